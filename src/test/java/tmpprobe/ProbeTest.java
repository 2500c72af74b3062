package tmpprobe;
import java.nio.file.Path;
import imagepipelines.local.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
class ProbeTest {
  @TempDir Path dir;
  @Test void probe() throws Exception {
    try (LocalStack st = LocalStack.start(dir)) {
      var s3 = st.s3();
      s3.createBucket(r -> r.bucket("bbb"));
      byte[] big = new byte[20_000_000]; new java.util.Random(1).nextBytes(big);
      long t = System.nanoTime();
      s3.putObject(r -> r.bucket("bbb").key("big"), RequestBody.fromBytes(big));
      System.out.println("PROBE put20MB ms " + (System.nanoTime() - t) / 1e6);
      t = System.nanoTime();
      for (int i = 0; i < 50; i++) { long s = i * 200_000L; s3.getObjectAsBytes(r -> r.bucket("bbb").key("big").range("bytes=" + s + "-" + (s + 199_999))); }
      System.out.println("PROBE 50 range GETs ms " + (System.nanoTime() - t) / 1e6);
      byte[] small = new byte[200_000];
      t = System.nanoTime();
      for (int i = 0; i < 50; i++) { int k = i; s3.putObject(r -> r.bucket("bbb").key("s" + k), RequestBody.fromBytes(small)); }
      System.out.println("PROBE 50 puts ms " + (System.nanoTime() - t) / 1e6);
      t = System.nanoTime();
      for (int i = 0; i < 50; i++) { int k = i; s3.getObjectAsBytes(r -> r.bucket("bbb").key("s" + k)); }
      System.out.println("PROBE 50 small GETs ms " + (System.nanoTime() - t) / 1e6);
    }
  }
}
