package dev.stepconnect.remediation;

import java.util.Locale;

/**
 * The {@code stepconnect:retry-mode} tag: how a retry re-runs the failed work.
 * <ul>
 *   <li>{@link #AUTO} (default): redrive when a redrive re-runs the failed work; when the execution ended in a
 *       {@code Fail} state a redrive would only re-enter that state, so start a new execution instead;</li>
 *   <li>{@link #REDRIVE}: always redrive when AWS allows it;</li>
 *   <li>{@link #RESTART}: always a new execution with the original input.</li>
 * </ul>
 */
public enum RetryMode {
    AUTO, REDRIVE, RESTART;

    /** The tag's value; null for anything else. */
    static RetryMode parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
