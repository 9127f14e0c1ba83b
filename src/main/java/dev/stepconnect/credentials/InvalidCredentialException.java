package dev.stepconnect.credentials;

/** A credentials secret or authorization setting is unusable. The message names keys, never values. */
public class InvalidCredentialException extends RuntimeException {
    public InvalidCredentialException(String message) {
        super(message);
    }
}
