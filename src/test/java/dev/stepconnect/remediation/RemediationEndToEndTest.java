package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
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
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/** A tagged state machine really fails in the emulator; the event built from that execution is retried once. */
@ExtendWith(AwsEmulator.class)
class RemediationEndToEndTest {
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    @Test
    void redrivableFailureIsRedrivenOnceWithAlarmAndMetrics() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":42}");
        RemediationHandler handler = fixture.immediateHandler(20);

        JsonObject response;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(handler, Json.write(eventFor(failed, "FAILED", 0, "REDRIVABLE", true)));
            lines = output.lines();
        }

        assertThat(response.string("outcome")).contains("RETRY_STARTED");
        assertThat(response.string("errorClass")).contains("Throttling");
        var redrives = fixture.sfnStub.requests("RedriveExecution");
        assertThat(redrives).hasSize(1);
        JsonObject redrive = Json.parseObject(redrives.get(0).getBodyAsString());
        assertThat(redrive.string("executionArn")).contains(failed.executionArn());
        assertThat(redrive.requiredString("clientToken")).startsWith("stepconnect-").hasSizeLessThanOrEqualTo(64);
        assertThat(fixture.retryExecutions(machine)).isEmpty();

        List<Map<String, Object>> alarms = fixture.cloudWatch.putMetricAlarmRequests();
        assertThat(alarms).hasSize(1);
        Map<String, Object> alarm = alarms.get(0);
        assertThat(alarm).containsEntry("AlarmName", "stepconnect-" + machineName(machine) + "-failures")
                .containsEntry("Namespace", "StepConnect").containsEntry("MetricName", "Failures")
                .containsEntry("AlarmActions", List.of(RemediationFixture.TOPIC));
        assertThat(alarm.get("Dimensions")).isEqualTo(List.of(Map.of("Name", "StateMachine", "Value", machineName(machine))));

        List<JsonObject> metrics = emf(lines);
        String name = machineName(machine);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name))).isEqualTo(1.0);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(metrics).allSatisfy(doc -> assertThat(Json.write(doc.asMap())).doesNotContain(":execution:"));
    }

    @Test
    void notRedrivableFailureStartsANewExecutionWithTheOriginalInput() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":7}");
        RemediationHandler handler = fixture.immediateHandler(20);

        // No input in the event (inputDetails.included = false): it is fetched with DescribeExecution.
        JsonObject response = invoke(handler, Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", false)));

        assertThat(response.string("outcome")).contains("RETRY_STARTED");
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        List<ExecutionListItem> retries = fixture.retryExecutions(machine);
        assertThat(retries).hasSize(1);
        String retryName = retries.get(0).name();
        assertThat(retryName).startsWith(failed.name() + "--retry2-").hasSizeLessThanOrEqualTo(80);
        String retryInput = fixture.emulatorSfn.describeExecution(r -> r.executionArn(retries.get(0).executionArn())).input();
        assertThat(Json.parseObject(retryInput).asMap()).isEqualTo(Json.parseObject("{\"order\":7}").asMap());
    }

    @Test
    void delayedRetriesBecomeOneTimeSchedulesThatCallStepFunctionsDirectly() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse redrivable = fixture.failedExecution(machine, "{\"order\":1}");
        DescribeExecutionResponse notRedrivable = fixture.failedExecution(machine, "{\"order\":2}");
        RemediationHandler handler = fixture.delayedHandler(20);

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(handler, Json.write(eventFor(redrivable, "FAILED", 0, "REDRIVABLE", true)));
            invoke(handler, Json.write(timedOut(notRedrivable)));
            lines = output.lines();
        }

        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        assertThat(fixture.schedules()).hasSize(2);
        FailureEvent redriveEvent = FailureEvent.parse(Json.write(eventFor(redrivable, "FAILED", 0, "REDRIVABLE", true)));
        GetScheduleResponse redrive = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(RetryNames.scheduleName(redriveEvent)));
        assertThat(redrive.scheduleExpression()).matches("at\\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\)");
        assertThat(redrive.actionAfterCompletion()).isEqualTo(ActionAfterCompletion.DELETE);
        assertThat(redrive.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:sfn:redriveExecution");
        assertThat(redrive.target().roleArn()).isEqualTo(RemediationFixture.SCHEDULER_ROLE);
        assertThat(redrive.target().deadLetterConfig().arn()).isEqualTo(RemediationFixture.SCHEDULE_DLQ);
        JsonObject redriveInput = Json.parseObject(redrive.target().input());
        assertThat(redriveInput.string("ExecutionArn")).contains(redrivable.executionArn());
        assertThat(redriveInput.string("ClientToken")).contains(RetryNames.redriveClientToken(redriveEvent));

        FailureEvent startEvent = FailureEvent.parse(Json.write(timedOut(notRedrivable)));
        GetScheduleResponse start = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(RetryNames.scheduleName(startEvent)));
        assertThat(start.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:sfn:startExecution");
        JsonObject startInput = Json.parseObject(start.target().input());
        assertThat(startInput.string("StateMachineArn")).contains(machine);
        assertThat(startInput.requiredString("Name")).startsWith(notRedrivable.name() + "--retry2-");
        assertThat(Json.parseObject(startInput.requiredString("Input")).asMap()).isEqualTo(Map.of("order", 2));

        List<JsonObject> metrics = emf(lines);
        String name = machineName(machine);
        assertThat(sum(metrics, "RetriesScheduled", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesScheduled", Map.of("StateMachine", name, "ErrorClass", "Timeout"))).isEqualTo(1.0);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name))).isEqualTo(2.0);
        // Two failures of one state machine, one alarm call in this container.
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).hasSize(1);
    }

    /** A TIMED_OUT event as AWS sends it: error States.Timeout, no cause. */
    private static Map<String, Object> timedOut(DescribeExecutionResponse execution) {
        Map<String, Object> event = eventFor(execution, "TIMED_OUT", 0, "NOT_REDRIVABLE", false);
        return RemediationFixture.withDetail(RemediationFixture.withDetail(event, "error", "States.Timeout"), "cause", null);
    }
}
