package dev.stepconnect.cfn;

import com.amazonaws.services.lambda.runtime.Context;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Hands a request on to this same function through the ARN it was invoked by (the {@code live} alias
 * when CloudFormation calls the ServiceToken), asynchronously ({@code InvocationType=Event}): Lambda
 * queues the event and answers 202 at once. Needs {@code lambda:InvokeFunction} on the alias.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html">Invoke</a>
 */
public final class LambdaSelfInvoker implements Continuer {
    private final LambdaClient lambda;

    public LambdaSelfInvoker(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public void handOn(String event, Context context) {
        String self = context.getInvokedFunctionArn();
        if (self == null || self.isBlank()) {
            throw new IllegalStateException("the invocation carries no function ARN to hand the request on to");
        }
        InvokeResponse response = lambda.invoke(r -> r.functionName(self).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(event)));
        if (response.statusCode() == null || response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Lambda did not accept the hand-on (HTTP " + response.statusCode() + ")");
        }
    }
}
