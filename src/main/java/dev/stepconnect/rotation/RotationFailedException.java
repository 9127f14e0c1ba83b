package dev.stepconnect.rotation;

/**
 * The pending credential was definitively rejected (or could not be put on a connection); the
 * rotation was rolled back: every linked connection is on the AWSCURRENT credential again and the
 * token's version no longer carries AWSPENDING.
 */
public class RotationFailedException extends RuntimeException {
    public RotationFailedException(String message) {
        super(message);
    }
}
