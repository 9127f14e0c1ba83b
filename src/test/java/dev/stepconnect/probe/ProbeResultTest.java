package dev.stepconnect.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.probe.ProbeResult.Outcome;
import org.junit.jupiter.api.Test;

class ProbeResultTest {

    @Test
    void httpStatusClassification() {
        assertThat(ProbeResult.fromHttpStatus(200).outcome()).isEqualTo(Outcome.PASSED);
        assertThat(ProbeResult.fromHttpStatus(204).outcome()).isEqualTo(Outcome.PASSED);
        // A redirect (often to a login page) proves nothing; redirects are not followed.
        assertThat(ProbeResult.fromHttpStatus(302).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromHttpStatus(304).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromHttpStatus(401).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromHttpStatus(403).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromHttpStatus(404).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromHttpStatus(404).detail()).contains("stepconnect:test-endpoint");
        assertThat(ProbeResult.fromHttpStatus(429).outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromHttpStatus(408).outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromHttpStatus(500).outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromHttpStatus(503).outcome()).isEqualTo(Outcome.TRANSIENT);
    }

    @Test
    void testStateClassification() {
        assertThat(ProbeResult.fromTestState("SUCCEEDED", null, null).outcome()).isEqualTo(Outcome.PASSED);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.401", "Unauthorized").outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.403", null).outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.503", null).outcome())
                .isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.429", null).outcome())
                .isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Timeout", null).outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.Socket", null).outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Runtime", "something else").outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.401", null).detail())
                .contains("States.Http.StatusCode.401");
    }

    @Test
    void permissionFailuresAreTheTestStateRolesConfigurationNotTheCredential() {
        assertThat(ProbeResult.fromTestState("FAILED", "States.Permissions", "role cannot retrieve").outcome())
                .isEqualTo(Outcome.MISCONFIGURED);
        assertThat(ProbeResult.fromTestState("FAILED", "Events.ConnectionResource.AccessDenied", null).outcome())
                .isEqualTo(Outcome.MISCONFIGURED);
        ProbeResult kms = ProbeResult.fromTestState("FAILED", "States.TaskFailed",
                "AccessDeniedException: not authorized to perform kms:Decrypt on the key");
        assertThat(kms.outcome()).isEqualTo(Outcome.MISCONFIGURED);
        assertThat(kms.detail()).contains("kms:Decrypt");
        assertThat(ProbeResult.fromTestState("FAILED", "States.Permissions",
                "not authorized to perform: secretsmanager:GetSecretValue").detail()).contains("secretsmanager:GetSecretValue");
        // The partner's own 403 stays a refusal, whatever its body says.
        assertThat(ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.403", "missing kms:Decrypt").outcome())
                .isEqualTo(Outcome.REJECTED);
    }

    @Test
    void longCausesAreShortened() {
        String cause = "x".repeat(5000);
        assertThat(ProbeResult.fromTestState("FAILED", "States.Runtime", cause).detail().length())
                .isLessThan(500);
    }

    @Test
    void connectionBusyOrFailingInsideEventBridgeIsNoVerdictOnTheCredential() {
        // Step Functions "Call HTTPS APIs": errors about the connection resource itself, not the partner's answer.
        for (String error : new String[] {"Events.ConnectionResource.AuthInProgress",
                "Events.ConnectionResource.ConcurrentModification", "Events.ConnectionResource.InternalError"}) {
            assertThat(ProbeResult.fromTestState("FAILED", error, "connection is being updated").outcome())
                    .as(error).isEqualTo(Outcome.TRANSIENT);
        }
        assertThat(ProbeResult.fromTestState("FAILED", "Events.ConnectionResource.InvalidConnectionState", null).outcome())
                .isEqualTo(Outcome.REJECTED);
    }

    @Test
    void thePartnersAnswerInAStatusCodeCauseIsNeverRepeated() {
        // The cause of a States.Http.StatusCode.* error carries the partner's response (body, headers), which may
        // echo a credential or a session token that was never registered for redaction.
        String cause = "{\"ResponseBody\":\"{\\\"session\\\":\\\"sess-77aa\\\"}\",\"StatusCode\":\"401\"}";
        ProbeResult result = ProbeResult.fromTestState("FAILED", "States.Http.StatusCode.401", cause);
        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.detail()).contains("States.Http.StatusCode.401").doesNotContain("sess-77aa");
    }

    /**
     * A failed HTTP Task's cause can quote the partner's answer to a request that carried the pending
     * credential (a body echoing the key header, say): too short to mask reliably, so it is never quoted.
     * Classification still reads it (a named permission); the detail says it in our words.
     */
    @Test
    void theCauseIsNeverQuotedButStillClassifies() {
        String echo = "{\"received\":{\"x-api-key\":\"k9\"},\"message\":\"unknown key k9\"}";
        for (String error : java.util.List.of("States.Http.StatusCode.401", "States.Http.StatusCode.503",
                "States.TaskFailed", "States.Runtime")) {
            ProbeResult result = ProbeResult.fromTestState("FAILED", error, echo);
            assertThat(result.detail()).as(error).doesNotContain("k9").doesNotContain("received").contains(error);
        }
        ProbeResult denied = ProbeResult.fromTestState("FAILED", "States.TaskFailed",
                "not authorized to perform kms:Decrypt; request: x-api-key=k9");
        assertThat(denied.outcome()).isEqualTo(Outcome.MISCONFIGURED);
        assertThat(denied.detail()).contains("kms:Decrypt").doesNotContain("k9");
        // An error name that is not a plain Step Functions error name is not quoted either.
        assertThat(ProbeResult.fromTestState("FAILED", "Partner said k9 is wrong", null).detail()).doesNotContain("k9");
    }
}
