package dev.stepconnect.connection;

/** A resource property is missing or invalid; the message starts with the property's name, never quotes a secret. */
public class InvalidPropertyException extends RuntimeException {
    public InvalidPropertyException(String message) {
        super(message);
    }
}
