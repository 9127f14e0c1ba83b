package dev.stepconnect.rotation;

import java.util.List;

/**
 * {@link RotationException.Disposition#ROLLED_BACK}: the pending credential was definitively rejected (or
 * could not be put on a connection); every linked connection is on the AWSCURRENT credential again and
 * the token's version no longer carries AWSPENDING (the message says what could not be undone, if anything).
 */
public final class RotationFailedException extends RotationException {
    RotationFailedException(String message, List<String> connections) {
        super(message, connections);
    }

    @Override
    public Disposition disposition() {
        return Disposition.ROLLED_BACK;
    }
}
