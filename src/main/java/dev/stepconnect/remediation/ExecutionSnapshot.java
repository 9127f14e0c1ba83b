package dev.stepconnect.remediation;

import java.util.Optional;

/**
 * DescribeExecution's current view of an execution: AWS's record, which a retry follows rather than the
 * event. {@code redriveCount} is null when the endpoint does not report it; {@code input}, the state
 * machine, alias and version ARNs may be null.
 */
public record ExecutionSnapshot(String status, String input, Integer redriveCount, RedriveStatus redriveStatus,
                                String stateMachineArn, String stateMachineAliasArn, String stateMachineVersionArn) {

    public ExecutionSnapshot(String status, String input, Integer redriveCount, RedriveStatus redriveStatus) {
        this(status, input, redriveCount, redriveStatus, null, null, null);
    }

    /** True when the failure in the event has already been acted upon (redriven, or running again). */
    public boolean movedPast(FailureEvent event) {
        boolean stopped = "FAILED".equals(status) || "TIMED_OUT".equals(status) || "ABORTED".equals(status);
        return !stopped || (redriveCount != null && redriveCount > event.redriveCount());
    }

    /**
     * Where a new execution of this one goes: the alias it ran through, else its version, else
     * {@code baseStateMachineArn}. Empty when any of them belongs to another state machine than
     * {@code baseStateMachineArn} (the one the execution ARN names, whose opt-in was checked). An alias or
     * version ARN is the state machine's ARN plus {@code :qualifier}
     * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html).
     */
    public Optional<String> startTarget(String baseStateMachineArn) {
        if (present(stateMachineArn) && !baseStateMachineArn.equals(stateMachineArn)
                && !qualifies(stateMachineArn, baseStateMachineArn)) {
            return Optional.empty();
        }
        for (String qualified : new String[] {stateMachineAliasArn, stateMachineVersionArn}) {
            if (present(qualified)) {
                return qualifies(qualified, baseStateMachineArn) ? Optional.of(qualified) : Optional.empty();
            }
        }
        return Optional.of(baseStateMachineArn);
    }

    private static boolean qualifies(String qualified, String base) {
        int colon = qualified.lastIndexOf(':');
        return colon > 0 && qualified.substring(0, colon).equals(base) && colon < qualified.length() - 1;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
