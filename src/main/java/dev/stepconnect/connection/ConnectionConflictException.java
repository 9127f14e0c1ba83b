package dev.stepconnect.connection;

/** The requested Name belongs to a connection this stack resource did not create. */
public class ConnectionConflictException extends RuntimeException {
    public ConnectionConflictException(String message) {
        super(message);
    }
}
