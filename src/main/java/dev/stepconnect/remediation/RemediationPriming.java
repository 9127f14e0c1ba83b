package dev.stepconnect.remediation;

import dev.stepconnect.lambda.DryRun;
import dev.stepconnect.lambda.Priming;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * SnapStart priming of RemediationFunction: parses and classifies a sample failure and runs each SDK
 * operation the function uses as a {@link DryRun} (stopped before it leaves the machine). No retry,
 * schedule, alarm or metric comes of it.
 */
final class RemediationPriming {
    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:stepconnect-priming:run";
    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:stepconnect-priming";
    private static final String SAMPLE_EVENT = "{\"source\":\"aws.states\",\"detail-type\":\"" + FailureEvent.DETAIL_TYPE
            + "\",\"detail\":{\"executionArn\":\"" + EXECUTION + "\",\"stateMachineArn\":\"" + MACHINE + "\","
            + "\"name\":\"run\",\"status\":\"FAILED\",\"startDate\":1764050000000,\"stopDate\":1764050001000,"
            + "\"input\":null,\"error\":\"States.TaskFailed\",\"cause\":\"{\\\"Error\\\":\\\"States.Http.StatusCode.503\\\"}\","
            + "\"redriveCount\":0,\"redriveStatus\":\"REDRIVABLE\"}}";

    private RemediationPriming() {
    }

    static void register(SfnClient sfn, SchedulerClient scheduler, CloudWatchClient cloudWatch) {
        Priming.register("RemediationFunction", () -> prime(sfn, scheduler, cloudWatch));
    }

    static void prime(SfnClient sfn, SchedulerClient scheduler, CloudWatchClient cloudWatch) {
        FailureEvent event = FailureEvent.parse(SAMPLE_EVENT);
        FailureClassifier.builtIn().classify(event.status(), event.error(), event.cause());
        DryRun.call(() -> sfn.listTagsForResource(r -> r.resourceArn(MACHINE)));
        DryRun.call(() -> sfn.describeExecution(r -> r.executionArn(EXECUTION)));
        DryRun.call(() -> sfn.describeStateMachine(r -> r.stateMachineArn(MACHINE)));
        DryRun.call(() -> sfn.getExecutionHistory(r -> r.executionArn(EXECUTION).reverseOrder(true).maxResults(1)));
        FailurePoint.read(java.util.List.of(new FailurePoint.HistoryEntry("ExecutionFailed", null),
                new FailurePoint.HistoryEntry("FailStateEntered", "Failed")));
        DryRun.call(() -> sfn.redriveExecution(r -> r.executionArn(EXECUTION).clientToken("stepconnect-priming")));
        DryRun.call(() -> sfn.startExecution(r -> r.stateMachineArn(MACHINE).name("stepconnect-priming").input("{}")));
        DryRun.call(() -> scheduler.listSchedules(r -> r.namePrefix("stepconnect-priming")));
        DryRun.call(() -> scheduler.createSchedule(r -> r.name("stepconnect-priming").scheduleExpression("at(2026-01-01T00:00:00)")
                .flexibleTimeWindow(w -> w.mode("OFF"))
                .target(t -> t.arn("arn:aws:scheduler:::aws-sdk:sfn:startExecution").roleArn(MACHINE).input("{}"))));
        DryRun.call(() -> cloudWatch.putMetricAlarm(r -> r.alarmName("stepconnect-priming").namespace("StepConnect")
                .metricName("Failures").statistic("Sum").period(300).evaluationPeriods(1).threshold(1.0)
                .comparisonOperator("GreaterThanOrEqualToThreshold")));
    }
}
