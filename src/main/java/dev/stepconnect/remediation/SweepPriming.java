package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.lambda.DryRun;
import dev.stepconnect.lambda.Priming;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveFilter;

/**
 * SnapStart priming of RemediationSweepFunction: parses a sample filter, writes a sample report and runs
 * each SDK operation the sweep adds to the event path's as a {@link DryRun} (stopped before it leaves
 * the machine), then the event path's own priming. Nothing is listed, retried or scheduled.
 */
final class SweepPriming {
    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:stepconnect-priming";
    private static final String SAMPLE_FILTER = "{\"stateMachineArn\":\"" + MACHINE + "\",\"errors\":[\"States.Http.StatusCode.503\"],"
            + "\"statuses\":[\"FAILED\"],\"dryRun\":true,\"maxRetries\":5}";

    private SweepPriming() {
    }

    static void register(SfnClient sfn, SchedulerClient scheduler) {
        Priming.register("RemediationSweepFunction", () -> prime(sfn, scheduler));
    }

    static void prime(SfnClient sfn, SchedulerClient scheduler) {
        Instant now = Instant.now();
        SweepFilter filter = SweepFilter.onDemand(Json.parseObject(SAMPLE_FILTER), now, Duration.ofHours(24));
        filter.matchesError("States.TaskFailed", "States.Http.StatusCode.503");
        SweepReport report = new SweepReport(filter);
        report.record(MACHINE, SweepReport.Result.SKIPPED, "NotRetryable");
        Json.write(report.toMap());
        DryRun.call(() -> sfn.listStateMachines(r -> r.maxResults(SweepExecutions.PAGE_SIZE)));
        DryRun.call(() -> sfn.listExecutions(r -> r.stateMachineArn(MACHINE).statusFilter("FAILED")
                .redriveFilter(ExecutionRedriveFilter.NOT_REDRIVEN).maxResults(SweepExecutions.PAGE_SIZE)));
        // The event path's calls (DescribeExecution, RedriveExecution, StartExecution, schedules). The sweep has
        // no CloudWatch client (it creates no alarms): that one dry run fails at once and is skipped.
        RemediationPriming.prime(sfn, scheduler, null);
    }
}
