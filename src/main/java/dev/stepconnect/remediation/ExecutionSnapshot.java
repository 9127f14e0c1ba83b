package dev.stepconnect.remediation;

/**
 * DescribeExecution's current view of an execution. {@code redriveCount} is null when the endpoint
 * does not report it; {@code input} may be null.
 */
public record ExecutionSnapshot(String status, String input, Integer redriveCount, RedriveStatus redriveStatus) {

    /** True when the failure in the event has already been acted upon (redriven, or running again). */
    public boolean movedPast(FailureEvent event) {
        boolean stopped = "FAILED".equals(status) || "TIMED_OUT".equals(status) || "ABORTED".equals(status);
        return !stopped || (redriveCount != null && redriveCount > event.redriveCount());
    }
}
