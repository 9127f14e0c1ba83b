package dev.stepconnect.remediation;

import java.util.Locale;

/** {@code detail.redriveStatus}; values AWS may add later read as {@link #UNKNOWN}. */
public enum RedriveStatus {
    REDRIVABLE, NOT_REDRIVABLE, REDRIVABLE_BY_MAP_RUN, REDRIVE_IN_PROGRESS, UNKNOWN;

    public static RedriveStatus parse(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
