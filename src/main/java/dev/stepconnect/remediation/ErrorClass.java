package dev.stepconnect.remediation;

/** The few kinds of failure the retry decision needs; {@link #dimension()} is the metric's ErrorClass value. */
public enum ErrorClass {
    THROTTLING("Throttling", true),
    SERVICE_ERROR("ServiceError", true),
    TIMEOUT("Timeout", true),
    CONFIGURED_RETRYABLE("ConfiguredRetryable", true),
    /** The HTTP Task's connection is mid-change or EventBridge had an internal error: retried. */
    CONNECTION_BUSY("ConnectionBusy", true),
    /** The connection is DEAUTHORIZED or not ACTIVE: retried only after a delay, never at once. */
    CONNECTION_UNUSABLE("ConnectionUnusable", true),
    /** The connection's role or ARN is wrong: a retry cannot help. */
    CONNECTION_MISCONFIGURED("ConnectionMisconfigured", false),
    HTTP_ERROR("HttpError", false),
    PERMISSIONS("Permissions", false),
    WORKFLOW_ERROR("WorkflowError", false),
    APPLICATION_ERROR("ApplicationError", false),
    CONFIGURED_NON_RETRYABLE("ConfiguredNonRetryable", false),
    UNKNOWN("Unknown", false),
    ABORTED("Aborted", false);

    private final String dimension;
    private final boolean retryable;

    ErrorClass(String dimension, boolean retryable) {
        this.dimension = dimension;
        this.retryable = retryable;
    }

    public String dimension() {
        return dimension;
    }

    public boolean retryable() {
        return retryable;
    }
}
