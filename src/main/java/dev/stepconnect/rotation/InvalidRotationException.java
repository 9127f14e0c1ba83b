package dev.stepconnect.rotation;

/**
 * The rotation cannot run as asked: a malformed event, a secret without rotation enabled, a token that
 * is no pending version, missing tags, a configuration error. Nothing was changed; retrying without a
 * fix gives the same answer. The message names what to fix and never holds a secret value.
 */
public class InvalidRotationException extends RuntimeException {
    public InvalidRotationException(String message) {
        super(message);
    }
}
