package dev.stepconnect.rotation;

import java.util.List;

/**
 * {@link RotationException.Disposition#CONFIGURATION}: the rotation cannot run as asked (a malformed event,
 * a secret without rotation enabled, a token that is no pending version, missing tags, a setting). Nothing
 * is rolled back; retrying without a fix gives the same answer. The message names what to fix.
 */
public final class InvalidRotationException extends RotationException {
    public InvalidRotationException(String message) {
        this(message, List.of());
    }

    InvalidRotationException(String message, List<String> connections) {
        super(message, connections);
    }

    @Override
    public Disposition disposition() {
        return Disposition.CONFIGURATION;
    }
}
