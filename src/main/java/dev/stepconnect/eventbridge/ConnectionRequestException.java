package dev.stepconnect.eventbridge;

/**
 * EventBridge refused or did not complete a connection request. {@link #retryable()} is true for
 * throttling, 5xx and network failures (try again later), false for a definitive refusal.
 */
public class ConnectionRequestException extends RuntimeException {
    private final boolean retryable;

    public ConnectionRequestException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
