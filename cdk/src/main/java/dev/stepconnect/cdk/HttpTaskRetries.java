package dev.stepconnect.cdk;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.TaskStateBase;

/**
 * The retry shape of StepConnect's example HTTP Task ({@code statemachine/partner-call.asl.json}), for
 * a CDK {@code HttpInvoke} (or any task) state:
 * <ul>
 *   <li>{@link #RETRYABLE} errors are retried by the task itself (3 attempts, 2 s doubling, at most
 *       30 s, full jitter) and, once those are spent, fail the execution <em>from the HTTP Task</em>,
 *       uncaught: a Step Functions redrive (what StepConnect's remediation uses) restarts from the
 *       failed state, so it re-runs the HTTP call.</li>
 *   <li>Only {@link #DEFINITIVE} 4xx answers, which no retry can fix, are caught into the given
 *       failure state. Catching everything would make the {@code Fail} state the failed state, and a
 *       redrive would re-enter it without calling anything (Step Functions, "Redriving executions").</li>
 * </ul>
 * Any other error (for example {@code Events.ConnectionResource.InvalidConnectionState}) also fails
 * the execution from the task, and StepConnect's remediation classifies it.
 */
public final class HttpTaskRetries {
    /**
     * Throttling, server errors, socket errors and timeouts, and a connection caught mid-change (Step
     * Functions, "Call HTTPS APIs"). The same list as {@code statemachine/partner-call.asl.json}.
     */
    public static final List<String> RETRYABLE = List.of(
            "States.Http.StatusCode.429",
            "States.Http.StatusCode.500",
            "States.Http.StatusCode.502",
            "States.Http.StatusCode.503",
            "States.Http.StatusCode.504",
            "States.Http.Socket",
            "States.Timeout",
            "Events.ConnectionResource.ConcurrentModification",
            "Events.ConnectionResource.AuthInProgress",
            "Events.ConnectionResource.InternalError");

    /**
     * Rejections a retry of the same request cannot fix (408 Request Timeout and 429 are not among them;
     * neither are 5xx). The same list as {@code statemachine/partner-call.asl.json}.
     */
    public static final List<String> DEFINITIVE = List.of(
            "States.Http.StatusCode.400",
            "States.Http.StatusCode.401",
            "States.Http.StatusCode.403",
            "States.Http.StatusCode.404",
            "States.Http.StatusCode.405",
            "States.Http.StatusCode.409",
            "States.Http.StatusCode.410",
            "States.Http.StatusCode.413",
            "States.Http.StatusCode.415",
            "States.Http.StatusCode.422");

    private HttpTaskRetries() {
    }

    /**
     * Adds the retrier and the definitive-failure catcher to {@code task}. The caught error goes to
     * {@code $.error} (the failure state can read {@code $.error.Error} / {@code $.error.Cause}).
     *
     * @return the task, for chaining
     */
    public static TaskStateBase apply(TaskStateBase task, IChainable definitiveFailure) {
        StepConnect.require(task, "HttpTaskRetries.apply: task");
        StepConnect.require(definitiveFailure, "HttpTaskRetries.apply: definitiveFailure");
        task.addRetry(RetryProps.builder()
                .errors(RETRYABLE)
                .interval(Duration.seconds(2))
                .backoffRate(2)
                .maxAttempts(3)
                .maxDelay(Duration.seconds(30))
                .jitterStrategy(JitterType.FULL)
                .build());
        task.addCatch(definitiveFailure, CatchProps.builder()
                .errors(DEFINITIVE)
                .resultPath("$.error")
                .build());
        return task;
    }
}
