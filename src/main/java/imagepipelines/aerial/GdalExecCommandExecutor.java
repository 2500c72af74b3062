package imagepipelines.aerial;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecResult;

/**
 * The executor behind the routes' {@code exec:} endpoints for GDAL programs ({@code commandExecutor=#...}):
 * camel-exec builds the command from the {@code CamelExecCommandExecutable}/{@code CamelExecCommandArgs} headers,
 * this runs it with {@link GdalCommandRunner} so the process gets the S3 settings as its environment (camel-exec's
 * own executor has no per-command environment, and keys on the command line would show in {@code ps} and logs),
 * a time limit, and output captured to files. The exit code is left to the route to judge. As a bean it also
 * gives the gauge {@code pipelines_gdal_processes_running} (bound by PipelineMetrics).
 */
public class GdalExecCommandExecutor implements ExecCommandExecutor, MeterBinder {

    private final Duration defaultTimeout;
    private final Map<String, String> environment;

    public GdalExecCommandExecutor(GdalS3Access s3, long timeoutSeconds) {
        this(s3, timeoutSeconds, true);
    }

    /** {@code tuning}: also give the programs {@link GdalTuning#ENVIRONMENT} ({@code aerial.gdal.tuning}). */
    public GdalExecCommandExecutor(GdalS3Access s3, long timeoutSeconds, boolean tuning) {
        this.defaultTimeout = Duration.ofSeconds(timeoutSeconds);
        Map<String, String> env = new java.util.HashMap<>(GdalTuning.environment(tuning));
        env.putAll(s3.environment());
        this.environment = Map.copyOf(env);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("pipelines.gdal.processes.running", GdalCommandRunner::running)
                .description("GDAL child processes running now").register(registry);
    }

    @Override
    public ExecResult execute(ExecCommand command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(command.getExecutable());
        cmd.addAll(command.getArgs());
        long t = command.getTimeout();
        Duration timeout = t > 0 && t < Long.MAX_VALUE / 2 ? Duration.ofMillis(t) : defaultTimeout;
        GdalCommandRunner.Result r = new GdalCommandRunner(timeout, environment).runAllowingFailure(cmd);
        return new ExecResult(command, new ByteArrayInputStream(r.stdout().getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream(r.stderr().getBytes(StandardCharsets.UTF_8)), r.exitCode());
    }
}
