package dev.stepconnect.remediation;

import java.util.Locale;
import java.util.Map;

/**
 * What a state machine's tags say: {@code stepconnect:auto-retry} ({@code true} opts in, {@code false}
 * opts out even under STEPCONNECT_RETRY_ALL), {@code stepconnect:max-attempts} and
 * {@code stepconnect:retry-mode} ({@link RetryMode}, default auto). A tag that does not parse counts as
 * absent; {@link #problems()} says which, for a log line.
 */
public record StateMachineSettings(Boolean autoRetry, Integer maxAttempts, RetryMode retryMode, String problems) {
    public static final String AUTO_RETRY_TAG = "stepconnect:auto-retry";
    public static final String MAX_ATTEMPTS_TAG = "stepconnect:max-attempts";
    public static final String RETRY_MODE_TAG = "stepconnect:retry-mode";

    public StateMachineSettings {
        if (retryMode == null) {
            retryMode = RetryMode.AUTO;
        }
    }

    public static StateMachineSettings none() {
        return new StateMachineSettings(null, null, RetryMode.AUTO, "");
    }

    public static StateMachineSettings fromTags(Map<String, String> tags) {
        StringBuilder problems = new StringBuilder();
        Boolean autoRetry = null;
        String retryValue = tags.get(AUTO_RETRY_TAG);
        if (retryValue != null) {
            switch (retryValue.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> autoRetry = true;
                case "false" -> autoRetry = false;
                default -> problems.append(AUTO_RETRY_TAG).append(" must be true or false; ");
            }
        }
        Integer maxAttempts = null;
        String attemptsValue = tags.get(MAX_ATTEMPTS_TAG);
        if (attemptsValue != null) {
            try {
                int parsed = Integer.parseInt(attemptsValue.trim());
                if (parsed >= 1 && parsed <= RemediationSettings.MAX_ATTEMPTS_LIMIT) {
                    maxAttempts = parsed;
                } else {
                    problems.append(MAX_ATTEMPTS_TAG).append(" must be 1..").append(RemediationSettings.MAX_ATTEMPTS_LIMIT).append("; ");
                }
            } catch (NumberFormatException e) {
                problems.append(MAX_ATTEMPTS_TAG).append(" must be a whole number; ");
            }
        }
        String modeValue = tags.get(RETRY_MODE_TAG);
        RetryMode retryMode = RetryMode.parse(modeValue);
        if (modeValue != null && retryMode == null) {
            problems.append(RETRY_MODE_TAG).append(" must be auto, redrive or restart; ");
        }
        return new StateMachineSettings(autoRetry, maxAttempts, retryMode, problems.toString().trim());
    }
}
