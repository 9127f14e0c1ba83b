package dev.stepconnect.connection;

import dev.stepconnect.cfn.CustomResourceRequest;
import dev.stepconnect.cfn.CustomResourceResponse;
import dev.stepconnect.cfn.ResponseBody;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.lambda.DryRun;
import dev.stepconnect.lambda.Priming;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * SnapStart priming of ConnectionProviderFunction: parses and validates a sample custom resource
 * request, renders its answer (nothing is sent) and runs each SDK operation a Create uses as a
 * {@link DryRun} (stopped before it leaves the machine). No connection or secret sees a request.
 */
final class ConnectionPriming {
    private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:stepconnect-priming-AbCdEf";
    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/stepconnect-priming/0";
    private static final String SAMPLE_REQUEST = "{\"RequestType\":\"Create\","
            + "\"ResponseURL\":\"https://127.0.0.1/stepconnect-priming\","
            + "\"StackId\":\"arn:aws:cloudformation:us-east-1:123456789012:stack/stepconnect-priming/0\","
            + "\"RequestId\":\"stepconnect-priming\",\"LogicalResourceId\":\"Priming\","
            + "\"ResourceType\":\"Custom::EventBridgeConnection\",\"ResourceProperties\":{"
            + "\"ServiceToken\":\"arn:aws:lambda:us-east-1:123456789012:function:stepconnect-priming\","
            + "\"Name\":\"stepconnect-priming\",\"AuthorizationType\":\"API_KEY\",\"CredentialsSecretArn\":\"" + SECRET + "\","
            + "\"InvocationHttpParameters\":{\"HeaderParameters\":[{\"Key\":\"X-Priming\",\"Value\":\"1\",\"IsValueSecret\":\"false\"}]}}}";
    private static final String SAMPLE_CREDENTIAL = "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"priming-credential-value-0000\"}";

    private ConnectionPriming() {
    }

    static void register(EventBridgeClient events, SecretsManagerClient secrets, CloudFormationClient cloudFormation) {
        Priming.register("ConnectionProviderFunction", () -> prime(events, secrets, cloudFormation));
    }

    static void prime(EventBridgeClient events, SecretsManagerClient secrets, CloudFormationClient cloudFormation) {
        JsonObject event = Json.parseObject(SAMPLE_REQUEST);
        CustomResourceRequest.parse(event);
        ConnectionProperties.parse(event.requiredObject("ResourceProperties"));
        CredentialSecrets.parse(SAMPLE_CREDENTIAL);
        CustomResourceRequest.target(event).ifPresent(target -> ResponseBody.render(target,
                CustomResourceResponse.success("stepconnect-priming", Map.of("Name", "stepconnect-priming"), false)));
        DryRun.call(() -> secrets.getSecretValue(r -> r.secretId(SECRET)));
        DryRun.call(() -> secrets.describeSecret(r -> r.secretId(SECRET)));
        DryRun.call(() -> events.describeConnection(r -> r.name("stepconnect-priming")));
        DryRun.call(() -> cloudFormation.describeStacks(r -> r.stackName(STACK)));
        DryRun.call(() -> cloudFormation.describeStackResource(r -> r.stackName(STACK).logicalResourceId("Priming")));
        DryRun.call(() -> events.createConnection(r -> r.name("stepconnect-priming").authorizationType("API_KEY")
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-api-key")
                        .apiKeyValue("priming-credential-value-0000")))));
    }
}
