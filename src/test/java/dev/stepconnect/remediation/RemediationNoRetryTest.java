package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static dev.stepconnect.remediation.RemediationFixture.withDetail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** Failures that must not be retried: each leaves AWS untouched and says why in RetriesSkipped. */
@ExtendWith(AwsEmulator.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemediationNoRetryTest {
    private RemediationFixture fixture;
    private String taggedMachine;
    private DescribeExecutionResponse taggedFailure;

    @BeforeAll
    void createFailures() {
        fixture = new RemediationFixture();
        taggedMachine = fixture.createOptedInStateMachine();
        taggedFailure = fixture.failedExecution(taggedMachine, "{\"order\":1}");
    }

    @AfterAll
    void close() {
        fixture.close();
    }

    @BeforeEach
    void clearRequests() {
        fixture.sfnStub.server().resetRequests();
    }

    @Test
    void nonRetryableErrorIsNotRetried() {
        Map<String, Object> event = withDetail(eventFor(taggedFailure, "FAILED", 0, "REDRIVABLE", true),
                "error", "States.Http.StatusCode.400");
        assertNoRetry(event, "HttpError", "NotRetryable");
    }

    @Test
    void customFailErrorIsNotRetried() {
        Map<String, Object> event = withDetail(eventFor(taggedFailure, "FAILED", 0, "REDRIVABLE", true),
                "error", "Order.Rejected");
        assertNoRetry(event, "ApplicationError", "NotRetryable");
    }

    @Test
    void abortedExecutionIsNotRetried() {
        assertNoRetry(eventFor(taggedFailure, "ABORTED", 0, "REDRIVABLE", true), "Aborted", "Aborted");
    }

    @Test
    void untaggedStateMachineIsNotRetried() {
        String untagged = fixture.createStateMachine("untagged", Map.of());
        DescribeExecutionResponse failure = fixture.failedExecution(untagged, "{}");
        assertNoRetry(eventFor(failure, "FAILED", 0, "REDRIVABLE", true), "Throttling", "NotOptedIn");
    }

    @Test
    void exhaustedAttemptsAreNotRetried() {
        // redriveCount 2: the original run and two redrives have failed; the cap is 3 attempts.
        List<JsonObject> metrics = assertNoRetry(eventFor(taggedFailure, "FAILED", 2, "REDRIVABLE", true),
                "Throttling", "AttemptsExhausted");
        assertThat(sum(metrics, "AttemptsExhausted", Map.of("StateMachine", machineName(taggedMachine),
                "ErrorClass", "Throttling"))).isEqualTo(1.0);
    }

    @Test
    void exhaustedAttemptsCountRetriesStartedAsNewExecutions() {
        // A new execution started as attempt 3 (its name says so) that fails has used up the cap too.
        String retryName = RetryNames.retryExecutionName(FailureEvent.parse(
                Json.write(eventFor(taggedFailure, "FAILED", 1, "NOT_REDRIVABLE", true))), 3);
        Map<String, Object> event = withDetail(eventFor(taggedFailure, "FAILED", 0, "NOT_REDRIVABLE", true), "name", retryName);
        event = withDetail(event, "executionArn", taggedFailure.executionArn().replace(taggedFailure.name(), retryName));
        assertNoRetry(event, "Throttling", "AttemptsExhausted");
    }

    @Test
    void distributedMapChildIsLeftToItsParentsRedrive() {
        // A child workflow of a Distributed Map: its labelled state machine ARN is <parent>/<map run label>.
        String childArn = taggedFailure.executionArn().replace(":execution:" + machineName(taggedMachine) + ":",
                ":execution:" + machineName(taggedMachine) + "/nightly-run:");
        Map<String, Object> event = withDetail(eventFor(taggedFailure, "FAILED", 0, "REDRIVABLE_BY_MAP_RUN", true),
                "stateMachineArn", taggedMachine + "/nightly-run");
        event = withDetail(event, "executionArn", childArn);
        assertNoRetry(event, "Throttling", "MapRunChild");
        assertThat(FailureEvent.parse(Json.write(event)).stateMachineName()).isEqualTo(machineName(taggedMachine));
    }

    private List<JsonObject> assertNoRetry(Map<String, Object> event, String errorClass, String reason) {
        RemediationHandler handler = fixture.immediateHandler(20);
        int schedulesBefore = fixture.schedules().size();
        List<JsonObject> metrics;
        try (CapturedOutput output = CapturedOutput.start()) {
            JsonObject response = invoke(handler, Json.write(event));
            assertThat(response.string("outcome")).contains("SKIPPED");
            assertThat(response.string("skipReason")).contains(reason);
            metrics = emf(output.lines());
        }
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.retryExecutions(taggedMachine)).isEmpty();
        assertThat(fixture.schedules()).hasSize(schedulesBefore);
        String name = FailureEvent.parse(Json.write(event)).stateMachineName();
        assertThat(sum(metrics, "RetriesSkipped", Map.of("StateMachine", name, "Reason", reason))).isEqualTo(1.0);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name, "ErrorClass", errorClass))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", errorClass))).isZero();
        return metrics;
    }
}
