package dev.stepconnect.remediation;

/** A directly delivered failure event could not be handled; the message names the kind of error only. */
public class RemediationFailedException extends RuntimeException {
    public RemediationFailedException(String message) {
        super(message);
    }
}
