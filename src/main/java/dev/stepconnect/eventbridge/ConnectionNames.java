package dev.stepconnect.eventbridge;

import java.util.regex.Pattern;

/** EventBridge's rule for connection names: letters, digits, '.', '-', '_', at most 64 characters. */
public final class ConnectionNames {
    private static final Pattern VALID = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    private ConnectionNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }
}
