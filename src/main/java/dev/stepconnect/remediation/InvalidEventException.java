package dev.stepconnect.remediation;

/** The message is not a usable Step Functions status change event. Never carries the event itself. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }
}
