package dev.stepconnect.remediation;

/**
 * An Express execution's failure, as its log record tells it. Express executions cannot be described
 * (DescribeExecution, GetExecutionHistory), redriven, or found by ListExecutions: this record is all
 * there is. It is trusted because only CloudWatch Logs delivers it (the function's resource policy lets
 * {@code logs.amazonaws.com} invoke it for named log groups of this account).
 * <p>
 * Express execution ARNs are {@code arn:<partition>:states:<region>:<account>:express:<state machine>:<execution name>:<run id>}
 * (Step Functions API reference, StartExecution: "executionArn"); a Distributed Map child's state machine
 * part is {@code <parent>/<map run label>}.
 *
 * @param logEventId CloudWatch Logs' id of the failure's log event: the same for every delivery of it
 */
public record ExpressFailure(String logEventId, String executionArn, String stateMachineArn, String executionName,
                             String status, String error, String cause, long timestamp) {

    private static final int ARN_PARTS = 9;

    /**
     * Builds the failure from a failure log record, or throws {@link InvalidEventException} when its
     * execution ARN is not an Express execution's (Standard executions are handled from their status
     * change events; handling their logs too would count them twice).
     */
    public static ExpressFailure from(String logEventId, long timestamp, ExecutionLogEntry entry) {
        String[] parts = entry.executionArn().split(":", -1);
        if (parts.length != ARN_PARTS || !"arn".equals(parts[0]) || !"states".equals(parts[2])
                || !"express".equals(parts[5]) || parts[6].isBlank() || parts[7].isBlank()) {
            throw new InvalidEventException("execution_arn is not an Express execution ARN");
        }
        String stateMachineArn = String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], "stateMachine", parts[6]);
        return new ExpressFailure(logEventId, entry.executionArn(), stateMachineArn, parts[7], entry.status(),
                entry.error(), entry.cause(), timestamp);
    }

    /** The account of the execution, to check against the subscription payload's owner. */
    public String account() {
        return executionArn.split(":", -1)[4];
    }

    /**
     * The failure record the shared remediation flow takes: never redrivable, redriveCount 0, the new
     * execution goes to the state machine itself (the logs do not say which alias or version ran).
     *
     * @param input the original input, null when it is not available
     */
    public FailureEvent toFailureEvent(String input) {
        return FailureEvent.builder(executionArn, stateMachineArn, executionName, status)
                .error(error).cause(cause).input(input).redriveStatus(RedriveStatus.NOT_REDRIVABLE).build();
    }
}
