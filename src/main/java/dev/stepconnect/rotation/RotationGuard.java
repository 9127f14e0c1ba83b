package dev.stepconnect.rotation;

/**
 * The checks every step makes before touching anything, as AWS's own rotation templates do: rotation
 * enabled, the token names a version of the secret, and that version is AWSPENDING (or already
 * AWSCURRENT: then the rotation is over and the step has nothing to do).
 */
public final class RotationGuard {
    public enum Decision { PROCEED, ALREADY_CURRENT }

    private RotationGuard() {
    }

    public static Decision check(SecretSnapshot secret, String token) {
        if (!secret.rotationEnabled()) {
            throw new InvalidRotationException("secret " + secret.name() + " does not have rotation enabled");
        }
        if (!secret.stagesByVersion().containsKey(token)) {
            throw new InvalidRotationException("version " + token + " of secret " + secret.name()
                    + " has no stage for rotation (the token is not a version of this secret)");
        }
        if (secret.stagesOf(token).contains(SecretSnapshot.CURRENT)) {
            return Decision.ALREADY_CURRENT;
        }
        if (!secret.stagesOf(token).contains(SecretSnapshot.PENDING)) {
            throw new InvalidRotationException("version " + token + " of secret " + secret.name()
                    + " is not AWSPENDING (stages " + secret.stagesOf(token) + "); this rotation was cancelled or rolled back");
        }
        if (secret.versionWith(SecretSnapshot.CURRENT).isEmpty()) {
            throw new InvalidRotationException("secret " + secret.name() + " has no AWSCURRENT version to rotate from");
        }
        return Decision.PROCEED;
    }
}
