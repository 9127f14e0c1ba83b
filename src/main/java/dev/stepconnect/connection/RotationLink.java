package dev.stepconnect.connection;

import dev.stepconnect.credentials.CredentialSecrets;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code stepconnect:connection} tag on a credentials secret: comma-separated names of the
 * connections RotationFunction keeps in sync. Several connections may share one secret, so links
 * are merged into and removed from the list, never overwritten.
 */
public final class RotationLink {
    public static final String TAG = CredentialSecrets.CONNECTION_TAG;
    static final int MAX_TAG_VALUE = 256;

    private RotationLink() {
    }

    /**
     * The tag value with {@code name} added (unchanged when already present); {@code current} is the tag's
     * value, null when the secret has no such tag.
     *
     * @throws InvalidPropertyException when the value would exceed {@value #MAX_TAG_VALUE} characters (the
     *         Secrets Manager tag value limit)
     */
    public static String add(String current, String name) {
        Set<String> names = CredentialSecrets.connectionNames(current);
        names.add(name);
        String value = String.join(",", names);
        if (value.length() > MAX_TAG_VALUE) {
            throw new InvalidPropertyException(ConnectionProperties.LINK_SECRET_FOR_ROTATION + ": the secret's "
                    + TAG + " tag would exceed " + MAX_TAG_VALUE + " characters with connection " + name
                    + "; link fewer connections to one secret");
        }
        return value;
    }

    /** The tag value ({@code current}, null: no tag) without {@code name}; empty when no name is left (remove the tag). */
    public static Optional<String> remove(String current, String name) {
        Set<String> names = CredentialSecrets.connectionNames(current);
        names.remove(name);
        return names.isEmpty() ? Optional.empty() : Optional.of(String.join(",", names));
    }
}
