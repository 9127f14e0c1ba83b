package dev.stepconnect.remediation;

/** The few kinds of failure the retry decision needs; {@link #dimension()} is the metric's ErrorClass value. */
public enum ErrorClass {
    THROTTLING("Throttling", true),
    SERVICE_ERROR("ServiceError", true),
    TIMEOUT("Timeout", true),
    CONFIGURED_RETRYABLE("ConfiguredRetryable", true),
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
