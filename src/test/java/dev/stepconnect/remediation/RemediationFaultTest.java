package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.itemFailures;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sqsBatch;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static dev.stepconnect.remediation.RemediationFixture.withDetail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** Bad input and failing AWS calls: the bad message fails alone, nothing is lost, nothing leaks. */
@ExtendWith(AwsEmulator.class)
class RemediationFaultTest {
    private static final String MARKER = "payload-marker-7f3a";
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    @Test
    void badMessagesFailAloneAndAreLoggedByIdOnly() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        Map<String, Object> good = eventFor(failed, "ABORTED", 0, "REDRIVABLE", true);
        Map<String, Object> wrongType = new java.util.LinkedHashMap<>(good);
        wrongType.put("detail-type", "Step Functions State Machine Status Change " + MARKER);
        String batch = sqsBatch(List.of(
                Map.entry("garbage", "{not json " + MARKER),
                Map.entry("array", "[\"" + MARKER + "\"]"),
                Map.entry("wrong-type", Json.write(wrongType)),
                Map.entry("no-arn", Json.write(withDetail(good, "executionArn", null))),
                Map.entry("no-status", Json.write(withDetail(good, "status", null))),
                Map.entry("bad-count", Json.write(withDetail(good, "redriveCount", "many " + MARKER))),
                Map.entry("good", Json.write(good))));

        JsonObject response;
        String printed;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(fixture.immediateHandler(20), batch);
            printed = output.text();
        }

        assertThat(itemFailures(response)).containsExactlyInAnyOrder("garbage", "array", "wrong-type", "no-arn",
                "no-status", "bad-count");
        assertThat(printed).doesNotContain(MARKER);
        assertThat(RemediationFixture.logs(printed.lines().toList(), "remediation.handler", "WARN"))
                .extracting(l -> l.raw("messageId")).contains("garbage", "no-arn");
    }

    @Test
    void badDirectInvocationIsAnError() {
        RemediationHandler handler = fixture.immediateHandler(20);
        assertThatThrownBy(() -> invoke(handler, "garbage")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> invoke(handler, "{\"detail-type\":\"Other\",\"detail\":{}}"))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> invoke(handler, "{\"Records\":\"x\"}")).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void nonFailureStatusIsAcceptedAndIgnored() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        JsonObject response = invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "SUCCEEDED", 0, null, true)));
        assertThat(response.string("outcome")).contains("NOT_A_FAILURE");
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).isEmpty();
    }

    @Test
    void throttledAlarmCallDoesNotStopTheRetry() {
        fixture.cloudWatch.throttle();
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse first = fixture.failedExecution(machine, "{}");
        DescribeExecutionResponse second = fixture.failedExecution(machine, "{}");
        RemediationHandler handler = fixture.immediateHandler(20);

        List<String> printed;
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(invoke(handler, Json.write(eventFor(first, "FAILED", 0, "REDRIVABLE", true))).string("outcome"))
                    .contains("RETRY_STARTED");
            assertThat(invoke(handler, Json.write(eventFor(second, "FAILED", 0, "REDRIVABLE", true))).string("outcome"))
                    .contains("RETRY_STARTED");
            printed = output.lines();
        }
        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(2);
        assertThat(RemediationFixture.logs(printed, "remediation.alarms", "ERROR"))
                .allSatisfy(l -> assertThat(l.raw("alarmName")).isEqualTo(AlarmManager.alarmName(machineName(machine))))
                .isNotEmpty();
        // One alarm attempt (with the SDK's own retries) for the first event; the second waits for the cool-down.
        int callsForFirst = fixture.cloudWatch.putMetricAlarmRequests().size();
        assertThat(callsForFirst).isBetween(1, 4);
    }

    @Test
    void failingAwsCallFailsOnlyItsMessageAndTheRedeliveryRetriesOnce() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        fixture.sfnStub.fail("RedriveExecution", 500, "InternalFailure", "injected outage");
        RemediationHandler handler = fixture.immediateHandler(20);
        String retryable = Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true));
        String aborted = Json.write(eventFor(failed, "ABORTED", 0, "REDRIVABLE", true));

        JsonObject first = invoke(handler, sqsBatch(List.of(Map.entry("retry-me", retryable), Map.entry("aborted", aborted))));
        assertThat(itemFailures(first)).containsExactly("retry-me");

        fixture.sfnStub.succeed("RedriveExecution", "{\"redriveDate\":1764050000.123}");
        int callsDuringOutage = fixture.sfnStub.requests("RedriveExecution").size();
        JsonObject redelivered = invoke(handler, sqsBatch(List.of(Map.entry("retry-me", retryable))));
        assertThat(itemFailures(redelivered)).isEmpty();
        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(callsDuringOutage + 1);
        invoke(handler, sqsBatch(List.of(Map.entry("retry-me", retryable))));
        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(callsDuringOutage + 1);
    }

    @Test
    void aFailingAwsCallOnADirectEventFailsTheInvocationWithoutQuotingTheAwsMessage() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        fixture.sfnStub.fail("RedriveExecution", 400, "ValidationException", "input {\\\"card\\\":\\\"4111-CUSTOMER-DATA\\\"} rejected");
        RemediationHandler handler = fixture.immediateHandler(20);
        String direct = Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true));
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThatThrownBy(() -> invoke(handler, direct))
                    .isInstanceOf(RemediationFailedException.class)
                    .hasMessageContaining("ValidationException")
                    .hasMessageNotContaining("CUSTOMER-DATA");
            assertThat(output.text()).doesNotContain("CUSTOMER-DATA");
        }
    }

    @Test
    void deniedTagReadCountsTheFailureWithoutRetryInsteadOfFailingTheMessage() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        fixture.sfnStub.fail("ListTagsForResource", 400, "AccessDeniedException", "not authorized to list tags");

        JsonObject response;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(fixture.immediateHandler(20), sqsBatch(List.of(
                    Map.entry("m-1", Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true))))));
            lines = output.lines();
        }

        assertThat(itemFailures(response)).isEmpty();
        String name = machineName(machine);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", name))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", name, "Reason", "NotOptedIn"))).isEqualTo(1.0);
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
    }

    @Test
    void messagesLeftWhenTheDeadlineIsNearGoBackToTheQueueUntouched() {
        RemediationHandler handler = fixture.handler(RemediationFixture.settings(3, 0, RemediationFixture.SCHEDULER_ROLE,
                fixture.group, 20, false), Duration.ofHours(1));
        String event = Json.write(Map.of("source", "aws.states", "detail-type", "Step Functions Execution Status Change", "detail",
                Map.of("executionArn", "arn:aws:states:us-east-1:123456789012:execution:m:e", "stateMachineArn",
                        "arn:aws:states:us-east-1:123456789012:stateMachine:m", "status", "FAILED")));
        JsonObject response = invoke(handler, sqsBatch(List.of(Map.entry("a", event), Map.entry("b", event))));
        assertThat(itemFailures(response)).containsExactly("a", "b");
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).isEmpty();
    }
}
