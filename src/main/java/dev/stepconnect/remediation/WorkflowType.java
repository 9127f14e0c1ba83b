package dev.stepconnect.remediation;

/**
 * The kind of state machine a failure came from: the {@code WorkflowType} metric dimension. STANDARD
 * failures arrive as EventBridge status change events, EXPRESS failures only as CloudWatch Logs records.
 */
public enum WorkflowType {
    STANDARD,
    EXPRESS;

    /** The dimension value: the Step Functions state machine type name. */
    public String dimension() {
        return name();
    }
}
