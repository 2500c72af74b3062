package imagepipelines.faces.lambda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lambda function name in any of the forms the Invoke API takes: {@code my-function}, the full ARN
 * {@code arn:aws:lambda:us-west-2:123456789012:function:my-function}, or the partial ARN
 * {@code 123456789012:function:my-function}, each optionally with {@code :qualifier} (version or alias).
 */
public record LambdaFunctionName(String region, String account, String name, String qualifier) {

    private static final Pattern FULL = Pattern.compile(
            "arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]+))?");
    private static final Pattern PARTIAL = Pattern.compile(
            "(\\d{12}):function:([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]+))?");
    private static final Pattern NAME = Pattern.compile("([a-zA-Z0-9_-]{1,64})(?::([a-zA-Z0-9$_-]+))?");

    /** Null when {@code s} is none of the forms. */
    public static LambdaFunctionName parse(String s) {
        if (s == null) {
            return null;
        }
        String v = s.strip();
        Matcher m = FULL.matcher(v);
        if (m.matches()) {
            return new LambdaFunctionName(m.group(1), m.group(2), m.group(3), m.group(4));
        }
        m = PARTIAL.matcher(v);
        if (m.matches()) {
            return new LambdaFunctionName(null, m.group(1), m.group(2), m.group(3));
        }
        m = NAME.matcher(v);
        if (m.matches()) {
            return new LambdaFunctionName(null, null, m.group(1), m.group(2));
        }
        return null;
    }

    /**
     * Whether an invocation of {@code called} (with the {@code Qualifier} query parameter, or null) reaches this
     * configured function: same name; account and region equal where both name one ({@code defaultRegion} stands
     * for this one's region when it is a bare name); a version or alias ({@code :production}, as the members'
     * site's production ARN carries) equal to this one's, any when this one names none (there is one version here),
     * and {@code $LATEST} always.
     */
    public boolean accepts(LambdaFunctionName called, String queryQualifier, String defaultRegion) {
        if (called == null || !name.equals(called.name)) {
            return false;
        }
        if (account != null && called.account != null && !account.equals(called.account)) {
            return false;
        }
        String ourRegion = region != null ? region : defaultRegion;
        if (called.region != null && ourRegion != null && !ourRegion.equals(called.region)) {
            return false;
        }
        return qualifierOk(called.qualifier) && qualifierOk(queryQualifier);
    }

    private boolean qualifierOk(String q) {
        return q == null || q.isEmpty() || qualifier == null || q.equals("$LATEST") || q.equals(qualifier);
    }
}
