package dev.stepconnect.remediation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.itemFailures;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sqsBatch;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Duplicates (EventBridge delivers at least once, SQS redelivers, batches are retried) never retry a
 * failure twice, within one container or across containers (a fresh handler instance).
 */
@ExtendWith(AwsEmulator.class)
class RemediationExactlyOnceTest {
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    @Test
    void sameEventThreeTimesStartsOneNewExecution() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":3}");
        String event = Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true));

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            RemediationHandler container = fixture.immediateHandler(20);
            for (int i = 0; i < 3; i++) {
                invoke(container, event);
            }
            // Another container gets the same event: the deterministic execution name stops it.
            JsonObject other = invoke(fixture.immediateHandler(20), event);
            assertThat(other.string("outcome")).contains("ALREADY_RETRIED");
            lines = output.lines();
        }

        assertThat(fixture.retryExecutions(machine)).hasSize(1);
        List<JsonObject> metrics = emf(lines);
        String name = machineName(machine);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name))).isEqualTo(1.0);
    }

    @Test
    void aDuplicateAlreadyRetriedElsewhereDoesNotSpendTheRetryBudget() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse first = fixture.failedExecution(machine, "{\"order\":21}");
        DescribeExecutionResponse second = fixture.failedExecution(machine, "{\"order\":22}");
        String firstEvent = Json.write(eventFor(first, "FAILED", 0, "NOT_REDRIVABLE", true));
        assertThat(invoke(fixture.immediateHandler(1), firstEvent).string("outcome")).contains("RETRY_STARTED");

        // A container with a budget of one retry sees the duplicate first, then a new failure: the new one is retried.
        RemediationHandler container = fixture.immediateHandler(1);
        assertThat(invoke(container, firstEvent).string("outcome")).contains("ALREADY_RETRIED");
        JsonObject next = invoke(container, Json.write(eventFor(second, "FAILED", 0, "NOT_REDRIVABLE", true)));
        assertThat(next.string("outcome")).contains("RETRY_STARTED");
        assertThat(fixture.retryExecutions(machine)).hasSize(2);
    }

    @Test
    void refusedRedriveOfAStillFailedExecutionStartsANewOne() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":31}");
        fixture.sfnStub.fail("RedriveExecution", 400, "ExecutionNotRedrivable", "older than 14 days");

        JsonObject response = invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));

        assertThat(response.string("outcome")).contains("RETRY_STARTED");
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }

    @Test
    void refusedRedriveOfAnExecutionRedrivenMeanwhileStartsNothing() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":32}");
        // Someone redrives the execution between our DescribeExecution and our RedriveExecution.
        WireMockServer stub = fixture.sfnStub.server();
        stub.stubFor(post(urlEqualTo("/")).atPriority(1).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.RedriveExecution"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"ExecutionNotRedrivable\",\"message\":\"execution is RUNNING\"}"))
                .willSetStateTo("redriven elsewhere"));
        stub.stubFor(post(urlEqualTo("/")).atPriority(1).inScenario("race").whenScenarioStateIs("redriven elsewhere")
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.DescribeExecution"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", AwsJsonStub.JSON_1_0).withBody("""
                        {"executionArn":"%s","stateMachineArn":"%s","name":"%s","status":"RUNNING",
                         "startDate":1764050000.0,"input":"{}","redriveCount":1,"redriveStatus":"NOT_REDRIVABLE"}"""
                        .formatted(failed.executionArn(), machine, failed.name()))));

        JsonObject response = invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));

        assertThat(response.string("outcome")).contains("ALREADY_RETRIED");
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).isEmpty();
    }

    @Test
    void sameEventThreeTimesRedrivesOnceWithOneClientToken() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        String event = Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true));
        RemediationHandler container = fixture.immediateHandler(20);
        for (int i = 0; i < 3; i++) {
            invoke(container, event);
        }
        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(1);

        // A second container cannot see the first one's memory; the redrive clientToken makes its call a no-op on AWS.
        invoke(fixture.immediateHandler(20), event);
        var tokens = fixture.sfnStub.requests("RedriveExecution").stream()
                .map(r -> Json.parseObject(r.getBodyAsString()).requiredString("clientToken")).collect(Collectors.toSet());
        assertThat(tokens).hasSize(1);
    }

    @Test
    void sqsBatchWithADuplicateSchedulesOneRetryEvenWhenTheBatchIsRetried() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":9}");
        String event = Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true));
        String batch = sqsBatch(List.of(Map.entry("m-1", event), Map.entry("m-2", event), Map.entry("m-3", event)));

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(itemFailures(invoke(fixture.delayedHandler(20), batch))).isEmpty();
            // The whole batch again in another container (e.g. after a visibility timeout): ConflictException.
            assertThat(itemFailures(invoke(fixture.delayedHandler(20), batch))).isEmpty();
            lines = output.lines();
        }

        assertThat(fixture.schedules()).hasSize(1);
        assertThat(sum(emf(lines), "RetriesScheduled", Map.of("StateMachine", machineName(machine),
                "ErrorClass", "Throttling"))).isEqualTo(1.0);
    }

    @Test
    void lateDuplicateAfterTheScheduledRetryRanDoesNotScheduleAgain() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":11}");
        String event = Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true));
        assertThat(invoke(fixture.delayedHandler(20), event).string("outcome")).contains("RETRY_SCHEDULED");

        // Play EventBridge Scheduler: run the target call with the schedule's input, then delete the schedule.
        String scheduleName = RetryNames.scheduleName(FailureEvent.parse(event));
        JsonObject target = Json.parseObject(fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(scheduleName)).target().input());
        fixture.emulatorSfn.startExecution(r -> r.stateMachineArn(target.requiredString("StateMachineArn"))
                .name(target.requiredString("Name")).input(target.requiredString("Input")));
        fixture.scheduler.deleteSchedule(r -> r.groupName(fixture.group).name(scheduleName));

        JsonObject late = invoke(fixture.delayedHandler(20), event);
        assertThat(late.string("outcome")).contains("ALREADY_RETRIED");
        assertThat(fixture.schedules()).isEmpty();
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }
}
