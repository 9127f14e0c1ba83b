package dev.stepconnect.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one mapping from a name (a state machine, a connection...) to a value CloudWatch accepts as a metric
 * dimension value and in an alarm name. CloudWatch wants dimension values of 1 to 1,024 characters, ASCII,
 * without control characters, and drops or refuses others silently
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html); Step Functions
 * names may be Unicode (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html).
 * <p>
 * A printable-ASCII name without leading or trailing blanks passes unchanged. Otherwise every other character
 * becomes {@code _} and {@code -} plus the first 8 hex digits of the original's SHA-256 is appended, so that
 * {@code commandes-été} and {@code commandes-ete} stay two series. A value longer than the limit is cut and
 * gets the same suffix. Null or blank gives {@value #UNKNOWN}.
 * The EMF writer applies it to every dimension value and the alarms use it, so a metric and its alarm agree.
 */
public final class DimensionValues {
    /** CloudWatch's limit on a dimension value, in characters. */
    public static final int MAX_LENGTH = 1024;
    /** The value of a missing name. */
    public static final String UNKNOWN = "unknown";
    private static final int HASH_CHARS = 8;
    private static final int SUFFIX_LENGTH = HASH_CHARS + 1;

    private DimensionValues() {
    }

    /** {@code name} as a dimension value (≤ 1,024 characters). */
    public static String of(String name) {
        return of(name, MAX_LENGTH);
    }

    /**
     * {@code name} as a CloudWatch-safe value of at most {@code maxLength} characters (at least 10), for
     * places with a tighter limit such as the middle of a 255-character alarm name.
     */
    public static String of(String name, int maxLength) {
        if (maxLength <= SUFFIX_LENGTH) {
            throw new IllegalArgumentException("maxLength must leave room for the hash suffix");
        }
        if (name == null || name.isBlank()) {
            return UNKNOWN;
        }
        StringBuilder safe = new StringBuilder(name.length());
        boolean replaced = false;
        int last = name.length() - 1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean edgeBlank = c == ' ' && (i == 0 || i == last);
            if (c < 0x20 || c > 0x7E || edgeBlank) {
                // A surrogate pair (an emoji) is one character to the reader: one underscore.
                if (!(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1)))) {
                    safe.append('_');
                }
                replaced = true;
            } else {
                safe.append(c);
            }
        }
        if (!replaced && safe.length() <= maxLength) {
            return safe.toString();
        }
        String stem = safe.toString();
        if (stem.length() > maxLength - SUFFIX_LENGTH) {
            stem = stem.substring(0, maxLength - SUFFIX_LENGTH);
        }
        return stem + "-" + hash(name);
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
