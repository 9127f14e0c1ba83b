package dev.stepconnect.credentials;

import java.util.Optional;

/**
 * EventBridge's rule for the credential fields of a connection (API key name and value, username and
 * password, OAuth client id and secret), checked before anything is sent so that a value EventBridge
 * would refuse fails early with a message that names the key and the rule, never the value.
 *
 * <p>The rule is the API model's {@code AuthHeaderParameters} / {@code AuthHeaderParametersSensitive}
 * shape: length 1–512 and pattern
 * {@code ^[ \t]*[^\x00-\x1F:\x7F]+([ \t]+[^\x00-\x1F:\x7F]+)*[ \t]*$}
 * (see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionApiKeyAuthRequestParameters.html
 * and the BasicAuth / OAuthClient parameter pages). The pattern is equivalent to: no {@code :}, no
 * control character U+0000–U+001F or U+007F except the tab, and at least one character that is not a
 * tab (so blanks around the value can only be spaces and tabs). It is checked character by character
 * here, because the regular expression itself backtracks exponentially on long runs of spaces.
 * Lengths count Unicode code points, as the API model's length constraints do.
 */
public final class CredentialFields {
    public static final int MAX_LENGTH = 512;

    private CredentialFields() {
    }

    /** True when EventBridge accepts {@code codePoint} anywhere in a credential field. */
    public static boolean isAllowed(int codePoint) {
        return codePoint == '\t' || codePoint >= 0x20 && codePoint != 0x7F && codePoint != ':';
    }

    /** The rule {@code value} breaks, in words that never quote it; empty when EventBridge accepts it. */
    public static Optional<String> violation(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (value.codePointCount(0, value.length()) > MAX_LENGTH) {
            return Optional.of("is longer than " + MAX_LENGTH + " characters");
        }
        boolean onlyTabs = true;
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (codePoint == ':') {
                return Optional.of("contains ':', which EventBridge does not accept");
            }
            if (!isAllowed(codePoint)) {
                return Optional.of("contains a control character (U+0000-U+001F or U+007F other than a tab),"
                        + " which EventBridge does not accept");
            }
            onlyTabs &= codePoint == '\t';
            i += Character.charCount(codePoint);
        }
        return onlyTabs ? Optional.of("consists of tabs only") : Optional.empty();
    }

    /**
     * @throws InvalidCredentialException naming {@code key} and the rule (never the value) when
     *                                    EventBridge would refuse {@code value}
     */
    public static void check(String key, String value) {
        violation(value).ifPresent(rule -> {
            throw new InvalidCredentialException("the credentials secret's '" + key + "' " + rule
                    + " (EventBridge accepts 1-" + MAX_LENGTH + " characters, no ':' and no control characters)");
        });
    }
}
