package dev.stepconnect.guardian;

import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.json.Json;
import dev.stepconnect.lambda.DryRun;
import dev.stepconnect.lambda.Priming;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * SnapStart priming of ConnectionGuardianFunction: parses each kind of event, runs the decision table
 * and the heal history, and each SDK operation the guardian uses as a {@link DryRun} (stopped before it
 * leaves the machine). No secret or connection sees a request.
 */
final class GuardianPriming {
    private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:stepconnect-priming-AbCdEf";
    private static final String CONNECTION = "stepconnect-priming";
    private static final String STATE_EVENT = "{\"source\":\"aws.events\",\"detail-type\":\"Connection Deauthorized\","
            + "\"detail\":{\"ConnectionName\":\"" + CONNECTION + "\",\"Timestamp\":\"2024-10-24 09:26:35 +0000 UTC\"}}";
    private static final String TRAIL_EVENT = "{\"source\":\"aws.secretsmanager\",\"detail-type\":\"AWS API Call via CloudTrail\","
            + "\"detail\":{\"eventName\":\"PutSecretValue\",\"requestParameters\":{\"secretId\":\"" + SECRET + "\"},"
            + "\"responseElements\":{\"arn\":\"" + SECRET + "\"}}}";
    private static final String SAMPLE_CREDENTIAL = "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"priming-credential-value-0000\"}";

    private GuardianPriming() {
    }

    /** {@code sfn} is null unless the test mode uses Step Functions TestState. */
    static void register(SecretsManagerClient secrets, EventBridgeClient events, SfnClient sfn) {
        Priming.register("ConnectionGuardianFunction", () -> prime(secrets, events, sfn));
    }

    static void prime(SecretsManagerClient secrets, EventBridgeClient events, SfnClient sfn) {
        GuardianEvent.parse(Json.parseObject(STATE_EVENT));
        GuardianEvent.parse(Json.parseObject(TRAIL_EVENT));
        GuardianEvent.parse(Json.parseObject("{\"stepconnect\":\"" + GuardianEvent.SCHEDULE_MARKER + "\"}"));
        CredentialSecrets.parse(SAMPLE_CREDENTIAL);
        GuardianDecision.decide(GuardianDecision.Situation.builder(GuardianDecision.Trigger.CONNECTION_STATE)
                .connectionState("DEAUTHORIZED").followsSecret(true).build());
        HealHistory.parse("1700000000 healed=0123456789abcdef").withHeal(java.time.Instant.EPOCH, "0123456789abcdef").render();
        DryRun.call(() -> secrets.listSecrets(r -> r.maxResults(1)));
        DryRun.call(() -> secrets.describeSecret(r -> r.secretId(SECRET)));
        DryRun.call(() -> secrets.getSecretValue(r -> r.secretId(SECRET).versionStage("AWSCURRENT")));
        DryRun.call(() -> secrets.listSecretVersionIds(r -> r.secretId(SECRET)));
        DryRun.call(() -> secrets.tagResource(r -> r.secretId(SECRET)
                .tags(t -> t.key(HealHistory.tagKey(CONNECTION)).value("1700000000"))));
        DryRun.call(() -> secrets.untagResource(r -> r.secretId(SECRET).tagKeys(HealHistory.tagKey(CONNECTION))));
        DryRun.call(() -> events.describeConnection(r -> r.name(CONNECTION)));
        DryRun.call(() -> events.updateConnection(r -> r.name(CONNECTION).authorizationType("API_KEY")
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-api-key")
                        .apiKeyValue("priming-credential-value-0000")))));
        if (sfn != null) {
            DryRun.call(() -> sfn.testState(r -> r.definition("{\"Type\":\"Pass\",\"End\":true}")
                    .roleArn("arn:aws:iam::123456789012:role/stepconnect-priming")));
        }
    }
}
