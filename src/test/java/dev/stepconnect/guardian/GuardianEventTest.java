package dev.stepconnect.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import org.junit.jupiter.api.Test;

class GuardianEventTest {

    private static GuardianEvent parse(String json) {
        return GuardianEvent.parse(Json.parseObject(json));
    }

    @Test
    void connectionStateEventsOfBothDetailTypes() {
        for (String type : new String[] {"Connection Deauthorized", "Connection Failed Connectivity"}) {
            GuardianEvent event = parse("{\"version\":\"0\",\"source\":\"aws.events\",\"detail-type\":\"" + type + "\","
                    + "\"resources\":[\"arn:aws:events:us-east-1:123456789012:connection/partner/abc\"],"
                    + "\"detail\":{\"ConnectionName\":\"partner\",\"StateReason\":\"401\","
                    + "\"Timestamp\":\"2024-10-24 09:26:35 +0000 UTC\"}}");
            assertThat(event).isEqualTo(new GuardianEvent.ConnectionStateChanged("partner", type,
                    java.time.Instant.parse("2024-10-24T09:26:35Z")));
        }
    }

    @Test
    void anUnreadableTimestampIsNoReasonToIgnoreTheEvent() {
        GuardianEvent event = parse("{\"source\":\"aws.events\",\"detail-type\":\"Connection Deauthorized\","
                + "\"detail\":{\"ConnectionName\":\"partner\",\"Timestamp\":\"2024-10-24T09:26:35Z\"}}");
        assertThat(event).isEqualTo(new GuardianEvent.ConnectionStateChanged("partner", "Connection Deauthorized", null));
    }

    @Test
    void connectionEventsThatAreNotFailuresOrLackANameAreUnrecognized() {
        assertThat(parse("{\"source\":\"aws.events\",\"detail-type\":\"Connection Authorized\",\"detail\":{\"ConnectionName\":\"p\"}}"))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse("{\"source\":\"aws.events\",\"detail-type\":\"Connection Deauthorized\",\"detail\":{}}"))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse("{\"source\":\"aws.events\",\"detail-type\":\"Connection Deauthorized\",\"detail\":{\"ConnectionName\":\"a/b\"}}"))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse("{\"source\":\"aws.events\",\"detail-type\":\"Connection Deauthorized\",\"detail\":{\"ConnectionName\":[1]}}"))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
    }

    @Test
    void cloudTrailChangesPreferTheResponseArnInBothSpellings() {
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:partner-AbCdEf";
        assertThat(parse(trail("PutSecretValue", "{\"secretId\":\"partner\"}", "{\"arn\":\"" + arn + "\"}")))
                .isEqualTo(new GuardianEvent.SecretChanged(arn, "PutSecretValue"));
        assertThat(parse(trail("UpdateSecret", "{\"secretId\":\"partner\"}", "{\"aRN\":\"" + arn + "\"}")))
                .isEqualTo(new GuardianEvent.SecretChanged(arn, "UpdateSecret"));
        assertThat(parse(trail("PutSecretValue", "{\"secretId\":\"partner\"}", "null")))
                .isEqualTo(new GuardianEvent.SecretChanged("partner", "PutSecretValue"));
    }

    @Test
    void versionStageChangesCountOnlyWhenTheyMoveAwsCurrent() {
        assertThat(parse(trail("UpdateSecretVersionStage",
                "{\"secretId\":\"s\",\"versionStage\":\"AWSCURRENT\",\"moveToVersionId\":\"v2\",\"removeFromVersionId\":\"v1\"}", "null")))
                .isEqualTo(new GuardianEvent.SecretChanged("s", "UpdateSecretVersionStage"));
        assertThat(parse(trail("UpdateSecretVersionStage",
                "{\"secretId\":\"s\",\"versionStage\":\"AWSPENDING\",\"removeFromVersionId\":\"v1\"}", "null")))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse(trail("UpdateSecretVersionStage",
                "{\"secretId\":\"s\",\"versionStage\":\"AWSCURRENT\",\"removeFromVersionId\":\"v1\"}", "null")))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
    }

    @Test
    void failedAndUnfollowedCallsAreUnrecognized() {
        String failed = "{\"source\":\"aws.secretsmanager\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":"
                + "{\"eventName\":\"PutSecretValue\",\"errorCode\":\"AccessDenied\",\"requestParameters\":{\"secretId\":\"s\"}}}";
        assertThat(parse(failed)).isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse(trail("DeleteSecret", "{\"secretId\":\"s\"}", "null"))).isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse(trail("PutSecretValue", "{}", "{}"))).isInstanceOf(GuardianEvent.Unrecognized.class);
    }

    @Test
    void changesOfAConnectionsOwnManagedSecretAreNotFollowed() {
        String managed = "arn:aws:secretsmanager:us-east-1:123456789012:secret:events!connection/partner/0b2f7a4e-AbCdEf";
        assertThat(parse(trail("UpdateSecret", "{\"secretId\":\"" + managed + "\"}", "{\"arn\":\"" + managed + "\"}")))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse(trail("PutSecretValue", "{\"secretId\":\"events!connection/partner/0b2f7a4e\"}", "null")))
                .isInstanceOf(GuardianEvent.Unrecognized.class);
    }

    @Test
    void scheduleInputsAllMeanAScheduledCheck() {
        assertThat(parse("{\"stepconnect\":\"guardian-scheduled-check\"}")).isInstanceOf(GuardianEvent.ScheduledCheck.class);
        assertThat(parse("{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}"))
                .isInstanceOf(GuardianEvent.ScheduledCheck.class);
        assertThat(parse("{\"source\":\"aws.scheduler\",\"detail-type\":\"Scheduled Event\",\"detail\":\"{}\"}"))
                .isInstanceOf(GuardianEvent.ScheduledCheck.class);
    }

    @Test
    void foreignEventsAreUnrecognizedWithoutQuotingThem() {
        GuardianEvent foreign = parse("{\"source\":\"aws.states\",\"detail-type\":\"Step Functions Execution Status Change\","
                + "\"detail\":{\"input\":\"sensitive-input-value\"}}");
        assertThat(foreign).isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(((GuardianEvent.Unrecognized) foreign).reason()).doesNotContain("sensitive-input-value");
        GuardianEvent odd = parse("{\"source\":\"<script>sensitive-value</script>\",\"detail-type\":\"x\"}");
        assertThat(((GuardianEvent.Unrecognized) odd).reason()).doesNotContain("sensitive-value");
        assertThat(parse("{}")).isInstanceOf(GuardianEvent.Unrecognized.class);
        assertThat(parse("{\"source\":7,\"detail-type\":[]}")).isInstanceOf(GuardianEvent.Unrecognized.class);
    }

    @Test
    void theSampleEventsAreTheKindsTheyAreNamedFor() throws java.io.IOException {
        assertThat(parse(java.nio.file.Files.readString(java.nio.file.Path.of("events", "guardian-connection-deauthorized.json"))))
                .isEqualTo(new GuardianEvent.ConnectionStateChanged("stepconnect-partner", "Connection Deauthorized",
                        java.time.Instant.parse("2026-11-25T09:26:35Z")));
        assertThat(parse(java.nio.file.Files.readString(java.nio.file.Path.of("events", "guardian-cloudtrail-put-secret-value.json"))))
                .isEqualTo(new GuardianEvent.SecretChanged(
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:stepconnect/partner-AbCdEf", "PutSecretValue"));
        assertThat(parse(java.nio.file.Files.readString(java.nio.file.Path.of("events", "guardian-scheduled-check.json"))))
                .isInstanceOf(GuardianEvent.ScheduledCheck.class);
    }

    private static String trail(String eventName, String request, String response) {
        return "{\"source\":\"aws.secretsmanager\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":{"
                + "\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventName\":\"" + eventName + "\","
                + "\"requestParameters\":" + request + ",\"responseElements\":" + response + "}}";
    }
}
