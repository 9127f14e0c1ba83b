package dev.stepconnect.remediation;

import dev.stepconnect.config.ConfigurationException;
import dev.stepconnect.config.Environment;
import java.time.Duration;
import java.util.List;

/** RemediationFunction configuration, read and validated once at init. Null ARNs mean "not configured". */
public record RemediationSettings(
        int maxAttempts,
        Duration baseDelay,
        Duration maxDelay,
        boolean retryAll,
        String alarmTopicArn,
        String schedulerRoleArn,
        String scheduleGroup,
        String scheduleDeadLetterArn,
        int retryBudget,
        Duration retryBudgetWindow,
        List<String> retryableErrors,
        List<String> nonRetryableErrors,
        String metricsNamespace) {

    public static final int MAX_ATTEMPTS_LIMIT = 100;

    public RemediationSettings {
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new ConfigurationException("STEPCONNECT_MAX_DELAY_SECONDS (" + maxDelay.toSeconds()
                    + ") must not be below STEPCONNECT_BASE_DELAY_SECONDS (" + baseDelay.toSeconds() + ")");
        }
        retryableErrors = List.copyOf(retryableErrors);
        nonRetryableErrors = List.copyOf(nonRetryableErrors);
    }

    public static RemediationSettings from(Environment env) {
        return new RemediationSettings(
                env.integer("STEPCONNECT_MAX_ATTEMPTS", 3, 1, MAX_ATTEMPTS_LIMIT),
                Duration.ofSeconds(env.integer("STEPCONNECT_BASE_DELAY_SECONDS", 60, 0, 86_400)),
                Duration.ofSeconds(env.integer("STEPCONNECT_MAX_DELAY_SECONDS", 3600, 0, 86_400)),
                env.bool("STEPCONNECT_RETRY_ALL", false),
                env.optional("STEPCONNECT_ALARM_TOPIC_ARN").orElse(null),
                env.optional("STEPCONNECT_SCHEDULER_ROLE_ARN").orElse(null),
                env.string("STEPCONNECT_SCHEDULE_GROUP", "default"),
                env.optional("STEPCONNECT_SCHEDULE_DLQ_ARN").orElse(null),
                env.integer("STEPCONNECT_RETRY_BUDGET", 20, 1, 10_000),
                Duration.ofSeconds(env.integer("STEPCONNECT_RETRY_BUDGET_WINDOW_SECONDS", 600, 1, 86_400)),
                FailureClassifier.patterns(env.string("STEPCONNECT_RETRYABLE_ERRORS", "")),
                FailureClassifier.patterns(env.string("STEPCONNECT_NON_RETRYABLE_ERRORS", "")),
                env.metricsNamespace());
    }

    /** Delayed retries need a role for EventBridge Scheduler; without one every retry is immediate. */
    public boolean schedulerConfigured() {
        return schedulerRoleArn != null;
    }
}
