package imagepipelines.faces.lambda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** FunctionName in Lambda's forms (name, ARN, partial ARN, with a qualifier) against the configured one. */
class LambdaFunctionNameTest {

    static boolean accepts(String configured, String called) {
        return LambdaFunctionName.parse(configured).accepts(LambdaFunctionName.parse(called), null, "eu-west-1");
    }

    @Test
    void aConfiguredArnTakesItsNameArnAndPartialArn() {
        String arn = "arn:aws:lambda:eu-west-1:123456789012:function:facedetection";
        assertTrue(accepts(arn, arn));
        assertTrue(accepts(arn, "facedetection"));
        assertTrue(accepts(arn, "123456789012:function:facedetection"));
        assertTrue(accepts(arn, arn + ":$LATEST"));
        assertFalse(accepts(arn, "arn:aws:lambda:eu-west-1:999999999999:function:facedetection"));
        assertFalse(accepts(arn, "arn:aws:lambda:us-east-1:123456789012:function:facedetection"));
        assertFalse(accepts(arn, "arn:aws:lambda:eu-west-1:123456789012:function:other"));
        // one version here: a configured ARN without a qualifier takes any
        assertTrue(accepts(arn, arn + ":v2"));
    }

    @Test
    void aConfiguredAliasTakesThatAliasOnly() {
        // the form of the members' site's production ARN: an alias after the name
        String prod = "arn:aws:lambda:eu-west-1:123456789012:function:concrexit-facedetection-lambda:production";
        assertTrue(accepts(prod, prod));
        assertTrue(accepts(prod, "concrexit-facedetection-lambda:production"));
        assertTrue(accepts(prod, "concrexit-facedetection-lambda"));
        assertFalse(accepts(prod, "arn:aws:lambda:eu-west-1:123456789012:function:concrexit-facedetection-lambda:staging"));
    }

    @Test
    void aConfiguredNameTakesAnyAccountInItsRegion() {
        assertTrue(accepts("facedetection", "arn:aws:lambda:eu-west-1:123456789012:function:facedetection"));
        assertFalse(accepts("facedetection", "arn:aws:lambda:us-east-1:123456789012:function:facedetection"));
        assertFalse(LambdaFunctionName.parse("facedetection:live").accepts(LambdaFunctionName.parse("facedetection"),
                "v1", "eu-west-1"));
    }

    @Test
    void otherShapesAreNotFunctionNames() {
        assertNull(LambdaFunctionName.parse("arn:aws:s3:::bucket"));
        assertNull(LambdaFunctionName.parse("a/b"));
        assertNull(LambdaFunctionName.parse(""));
        assertFalse(LambdaFunctionName.parse("f").accepts(null, null, "eu-west-1"));
    }
}
