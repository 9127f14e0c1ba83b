package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.FAIL_STATE_HISTORY;
import static dev.stepconnect.remediation.RemediationFixture.TASK_FAILED_HISTORY;
import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.logs;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * A retry really re-runs the failed work: the tail of the execution's history (GetExecutionHistory with
 * reverseOrder=true, stubbed as AWS answers it: emulators ignore reverseOrder) decides between a redrive and
 * a new execution, and the {@code stepconnect:retry-mode} tag overrides it.
 */
@ExtendWith(AwsEmulator.class)
class RemediationRetryModeTest {
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    private String machine(String retryMode) {
        return retryMode == null ? fixture.createOptedInStateMachine()
                : fixture.createStateMachine("orders", Map.of(StateMachineSettings.AUTO_RETRY_TAG, "true",
                        StateMachineSettings.RETRY_MODE_TAG, retryMode));
    }

    @Test
    void failureInAFailStateStartsANewExecutionWithTheOriginalInput() {
        fixture.sfnStub.succeed("GetExecutionHistory", FAIL_STATE_HISTORY);
        String machine = machine(null);
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":11}");

        JsonObject response;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));
            lines = output.lines();
        }

        assertThat(response.string("outcome")).contains("RETRY_STARTED");
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("StartExecution")).hasSize(1);
        List<ExecutionListItem> retries = fixture.retryExecutions(machine);
        assertThat(retries).hasSize(1);
        String input = fixture.emulatorSfn.describeExecution(r -> r.executionArn(retries.get(0).executionArn())).input();
        assertThat(Json.parseObject(input).asMap()).isEqualTo(Map.of("order", 11));

        var history = fixture.sfnStub.requests("GetExecutionHistory");
        assertThat(history).hasSize(1);
        JsonObject request = Json.parseObject(history.get(0).getBodyAsString());
        assertThat(request.raw("reverseOrder")).isEqualTo(true);
        assertThat(request.string("executionArn")).contains(failed.executionArn());

        JsonObject handled = logs(lines, "failure handled").get(0);
        assertThat(handled.raw("retryMode")).isEqualTo("auto");
        assertThat(handled.raw("retryWay")).isEqualTo("restart");
        assertThat(handled.raw("failedState")).isEqualTo("PartnerCallFailed");
        assertThat(handled.raw("failedStateType")).isEqualTo("Fail");

        String name = machineName(machine);
        List<JsonObject> metrics = emf(lines);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling",
                "Mode", "restart"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling",
                "Mode", "redrive"))).isZero();
    }

    @Test
    void failureInATaskIsRedriven() {
        fixture.sfnStub.succeed("GetExecutionHistory", TASK_FAILED_HISTORY);
        String machine = machine(null);
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":12}");

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));
            lines = output.lines();
        }

        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(1);
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        JsonObject handled = logs(lines, "failure handled").get(0);
        assertThat(handled.raw("retryWay")).isEqualTo("redrive");
        assertThat(handled.raw("failedState")).isEqualTo("CallPartnerApi");
        assertThat(handled.raw("failedStateType")).isEqualTo("Task");
        assertThat(sum(emf(lines), "RetriesStarted", Map.of("StateMachine", machineName(machine), "ErrorClass",
                "Throttling", "Mode", "redrive"))).isEqualTo(1.0);
    }

    @Test
    void restartModeAlwaysStartsANewExecutionWithoutReadingTheHistory() {
        fixture.sfnStub.succeed("GetExecutionHistory", TASK_FAILED_HISTORY);
        String machine = machine("restart");
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":13}");

        invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));

        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
        assertThat(fixture.sfnStub.requests("GetExecutionHistory")).isEmpty();
    }

    @Test
    void redriveModeRedrivesEvenAFailStateWithoutReadingTheHistory() {
        fixture.sfnStub.succeed("GetExecutionHistory", FAIL_STATE_HISTORY);
        String machine = machine("redrive");
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":14}");

        invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));

        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(1);
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        assertThat(fixture.sfnStub.requests("GetExecutionHistory")).isEmpty();
    }

    @Test
    void invalidRetryModeIsReportedAndTreatedAsAuto() {
        fixture.sfnStub.succeed("GetExecutionHistory", FAIL_STATE_HISTORY);
        String machine = machine("sometimes");
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":15}");

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));
            lines = output.lines();
        }

        assertThat(fixture.retryExecutions(machine)).hasSize(1);
        assertThat(logs(lines, "ignoring invalid StepConnect tags")).singleElement()
                .satisfies(l -> assertThat(String.valueOf(l.raw("problems"))).contains("stepconnect:retry-mode"));
    }

    @Test
    void duplicatesOfAFailStateFailureStillRetryExactlyOnce() {
        fixture.sfnStub.succeed("GetExecutionHistory", FAIL_STATE_HISTORY);
        String machine = machine(null);
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":16}");
        String event = Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true));

        RemediationHandler container = fixture.immediateHandler(20);
        for (int i = 0; i < 3; i++) {
            invoke(container, event);
        }
        JsonObject other = invoke(fixture.immediateHandler(20), event);

        assertThat(other.string("outcome")).contains("ALREADY_RETRIED");
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
    }

    @Test
    void unreadableHistoryFallsBackToRedriveAndSaysWhy() {
        fixture.sfnStub.fail("GetExecutionHistory", 400, "AccessDeniedException",
                "User is not authorized to perform: states:GetExecutionHistory");
        String machine = machine(null);
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":17}");

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));
            lines = output.lines();
        }

        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(1);
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        JsonObject handled = logs(lines, "failure handled").get(0);
        assertThat(handled.raw("retryWay")).isEqualTo("redrive");
        assertThat(String.valueOf(handled.raw("retryWayReason"))).contains("AccessDeniedException");
        assertThat(handled.raw("failedState")).isNull();
    }

    @Test
    void failuresThatAreNotRetriedCostNoHistoryRead() {
        String untagged = fixture.createStateMachine("untagged", Map.of());
        DescribeExecutionResponse notOptedIn = fixture.failedExecution(untagged, "{}");
        String machine = machine(null);
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        RemediationHandler handler = fixture.immediateHandler(20);

        invoke(handler, Json.write(eventFor(notOptedIn, "FAILED", 0, "REDRIVABLE", true)));
        invoke(handler, Json.write(RemediationFixture.withDetail(eventFor(failed, "FAILED", 0, "REDRIVABLE", true),
                "error", "States.Http.StatusCode.400")));
        // Not redrivable: a new execution whatever the history says, so it is not read.
        invoke(handler, Json.write(eventFor(failed, "TIMED_OUT", 0, "NOT_REDRIVABLE", true)));

        assertThat(fixture.sfnStub.requests("GetExecutionHistory")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }

    @Test
    void delayedRetryOfAFailStateFailureSchedulesANewExecution() {
        fixture.sfnStub.succeed("GetExecutionHistory", FAIL_STATE_HISTORY);
        String machine = machine(null);
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":18}");
        String event = Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true));

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            JsonObject response = invoke(fixture.delayedHandler(20), event);
            assertThat(response.string("outcome")).contains("RETRY_SCHEDULED");
            lines = output.lines();
        }

        GetScheduleResponse schedule = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(RetryNames.scheduleName(FailureEvent.parse(event))));
        assertThat(schedule.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:sfn:startExecution");
        JsonObject target = Json.parseObject(schedule.target().input());
        assertThat(target.string("StateMachineArn")).contains(machine);
        assertThat(Json.parseObject(target.requiredString("Input")).asMap()).isEqualTo(Map.of("order", 18));
        assertThat(sum(emf(lines), "RetriesScheduled", Map.of("StateMachine", machineName(machine), "ErrorClass",
                "Throttling", "Mode", "restart"))).isEqualTo(1.0);
    }
}
