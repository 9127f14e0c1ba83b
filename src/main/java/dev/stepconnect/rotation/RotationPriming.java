package dev.stepconnect.rotation;

import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.json.Json;
import dev.stepconnect.lambda.DryRun;
import dev.stepconnect.lambda.Priming;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * SnapStart priming of RotationFunction: parses a sample rotation event and credential and runs each
 * SDK operation a rotation uses as a {@link DryRun} (stopped before it leaves the machine). No secret,
 * connection or probe sees a request.
 */
final class RotationPriming {
    private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:stepconnect-priming-AbCdEf";
    private static final String TOKEN = "00000000-0000-4000-8000-000000000000";
    private static final String SAMPLE_EVENT = "{\"Step\":\"createSecret\",\"SecretId\":\"" + SECRET
            + "\",\"ClientRequestToken\":\"" + TOKEN + "\",\"RotationToken\":\"" + TOKEN + "\"}";
    private static final String SAMPLE_CREDENTIAL = "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"priming-credential-value-0000\"}";

    private RotationPriming() {
    }

    /** {@code sfn} is null unless the test mode uses Step Functions TestState. */
    static void register(SecretsManagerClient secrets, EventBridgeClient events, SfnClient sfn) {
        Priming.register("RotationFunction", () -> prime(secrets, events, sfn));
    }

    static void prime(SecretsManagerClient secrets, EventBridgeClient events, SfnClient sfn) {
        RotationEvent.parse(Json.parseObject(SAMPLE_EVENT));
        CredentialSecrets.parse(SAMPLE_CREDENTIAL);
        DryRun.call(() -> secrets.describeSecret(r -> r.secretId(SECRET)));
        DryRun.call(() -> secrets.getSecretValue(r -> r.secretId(SECRET).versionId(TOKEN).versionStage("AWSPENDING")));
        DryRun.call(() -> secrets.putSecretValue(r -> r.secretId(SECRET).clientRequestToken(TOKEN)
                .secretString(SAMPLE_CREDENTIAL).versionStages("AWSPENDING")));
        DryRun.call(() -> secrets.updateSecretVersionStage(r -> r.secretId(SECRET).versionStage("AWSPENDING")
                .removeFromVersionId(TOKEN)));
        DryRun.call(() -> events.describeConnection(r -> r.name("stepconnect-priming")));
        DryRun.call(() -> events.updateConnection(r -> r.name("stepconnect-priming").authorizationType("API_KEY")
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-api-key").apiKeyValue("priming-credential-value-0000")))));
        if (sfn != null) {
            DryRun.call(() -> sfn.testState(r -> r.definition("{\"Type\":\"Pass\",\"End\":true}")
                    .roleArn("arn:aws:iam::123456789012:role/stepconnect-priming")));
        }
    }
}
