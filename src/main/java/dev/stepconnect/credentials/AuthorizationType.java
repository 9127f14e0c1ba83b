package dev.stepconnect.credentials;

import java.util.Locale;

/** The EventBridge connection authorization types StepConnect supports. */
public enum AuthorizationType {
    API_KEY,
    BASIC,
    OAUTH_CLIENT_CREDENTIALS;

    /** Parses a user-supplied value; the message lists the accepted values. */
    public static AuthorizationType parse(String value, String fieldName) {
        if (value != null) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // fall through to the descriptive error
            }
        }
        throw new InvalidCredentialException(fieldName + " must be one of API_KEY, BASIC, OAUTH_CLIENT_CREDENTIALS, got '"
                + value + "'");
    }
}
