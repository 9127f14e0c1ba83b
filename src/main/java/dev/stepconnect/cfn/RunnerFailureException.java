package dev.stepconnect.cfn;

/**
 * A failure the runner itself explains (the request, or the provider's start), not the provider:
 * {@link #reason()} is the FAILED Reason, never carrying the event.
 */
abstract class RunnerFailureException extends RuntimeException {
    RunnerFailureException(String message) {
        super(message);
    }

    /** The Reason CloudFormation is given. */
    abstract String reason();
}
