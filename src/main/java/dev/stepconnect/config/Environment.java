package dev.stepconnect.config;

import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated access to the function's environment variables. Read once at init; every error
 * names the variable and the accepted values so a misconfigured stack is diagnosed from one log line.
 */
public final class Environment {
    private static final Environment SYSTEM = new Environment(System.getenv(), true);
    private final Map<String, String> variables;
    private final boolean system;

    /** An explicit set of variables (tests, the local run). */
    public Environment(Map<String, String> variables) {
        this(variables, false);
    }

    private Environment(Map<String, String> variables, boolean system) {
        this.variables = Map.copyOf(variables);
        this.system = system;
    }

    /** The process environment, as Lambda sets it. */
    public static Environment system() {
        return SYSTEM;
    }

    public boolean isSystem() {
        return system;
    }

    /** A copy with some variables added or replaced. */
    public Environment with(Map<String, String> overrides) {
        Map<String, String> merged = new java.util.HashMap<>(variables);
        merged.putAll(overrides);
        return new Environment(merged, false);
    }

    public Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number between " + min + " and " + max
                    + ", got '" + raw.get() + "'");
        }
        if (value < min || value > max) {
            throw new ConfigurationException(name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(name + " must be 'true' or 'false', got '" + raw.get() + "'");
        };
    }

    /** One of the given lower-case choices. */
    public String choice(String name, String defaultValue, String... choices) {
        String value = string(name, defaultValue).toLowerCase(java.util.Locale.ROOT);
        for (String choice : choices) {
            if (choice.equals(value)) {
                return value;
            }
        }
        throw new ConfigurationException(name + " must be one of " + String.join(", ", choices) + ", got '" + value + "'");
    }

    public String metricsNamespace() {
        return string("STEPCONNECT_METRICS_NAMESPACE", "StepConnect");
    }
}
