package dev.stepconnect.rotation;

/**
 * A transient failure (a connection mid-change, throttling, a timeout, the test endpoint answering
 * 5xx/429): the step fails so Secrets Manager retries it; AWSPENDING is kept, and the linked
 * connections are back on the AWSCURRENT credential until the retry puts the pending one on again.
 */
public class RotationRetryableException extends RuntimeException {
    public RotationRetryableException(String message) {
        super(message);
    }
}
