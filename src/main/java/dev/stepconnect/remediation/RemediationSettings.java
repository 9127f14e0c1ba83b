package dev.stepconnect.remediation;

import dev.stepconnect.config.ConfigurationException;
import dev.stepconnect.config.Environment;
import java.time.Duration;
import java.util.List;

/**
 * RemediationFunction configuration, read and validated once at init. Null ARNs mean "not configured".
 * Build one with {@link #builder()} (defaults as in the README) or change a few settings of another with
 * {@link #toBuilder()}.
 */
public record RemediationSettings(
        int maxAttempts,
        Duration baseDelay,
        Duration maxDelay,
        Duration connectionRetryDelay,
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
        return builder()
                .maxAttempts(env.integer("STEPCONNECT_MAX_ATTEMPTS", 3, 1, MAX_ATTEMPTS_LIMIT))
                .baseDelay(Duration.ofSeconds(env.integer("STEPCONNECT_BASE_DELAY_SECONDS", 60, 0, 86_400)))
                .maxDelay(Duration.ofSeconds(env.integer("STEPCONNECT_MAX_DELAY_SECONDS", 3600, 0, 86_400)))
                .connectionRetryDelay(Duration.ofSeconds(
                        env.integer("STEPCONNECT_CONNECTION_RETRY_DELAY_SECONDS", 900, 0, 86_400)))
                .retryAll(env.bool("STEPCONNECT_RETRY_ALL", false))
                .alarmTopicArn(env.optional("STEPCONNECT_ALARM_TOPIC_ARN").orElse(null))
                .schedulerRoleArn(env.optional("STEPCONNECT_SCHEDULER_ROLE_ARN").orElse(null))
                .scheduleGroup(env.string("STEPCONNECT_SCHEDULE_GROUP", "default"))
                .scheduleDeadLetterArn(env.optional("STEPCONNECT_SCHEDULE_DLQ_ARN").orElse(null))
                .retryBudget(env.integer("STEPCONNECT_RETRY_BUDGET", 20, 1, 10_000))
                .retryBudgetWindow(Duration.ofSeconds(env.integer("STEPCONNECT_RETRY_BUDGET_WINDOW_SECONDS", 600, 1, 86_400)))
                .retryableErrors(FailureClassifier.patterns(env.string("STEPCONNECT_RETRYABLE_ERRORS", "")))
                .nonRetryableErrors(FailureClassifier.patterns(env.string("STEPCONNECT_NON_RETRYABLE_ERRORS", "")))
                .metricsNamespace(env.metricsNamespace())
                .build();
    }

    /** Delayed retries need a role for EventBridge Scheduler; without one every retry is immediate. */
    public boolean schedulerConfigured() {
        return schedulerRoleArn != null;
    }

    /** The defaults of the README's configuration table (no topic, no scheduler role). */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxAttempts(maxAttempts).baseDelay(baseDelay).maxDelay(maxDelay)
                .connectionRetryDelay(connectionRetryDelay).retryAll(retryAll).alarmTopicArn(alarmTopicArn)
                .schedulerRoleArn(schedulerRoleArn).scheduleGroup(scheduleGroup)
                .scheduleDeadLetterArn(scheduleDeadLetterArn).retryBudget(retryBudget)
                .retryBudgetWindow(retryBudgetWindow).retryableErrors(retryableErrors)
                .nonRetryableErrors(nonRetryableErrors).metricsNamespace(metricsNamespace);
    }

    public static final class Builder {
        private int maxAttempts = 3;
        private Duration baseDelay = Duration.ofSeconds(60);
        private Duration maxDelay = Duration.ofSeconds(3600);
        private Duration connectionRetryDelay = Duration.ofSeconds(900);
        private boolean retryAll;
        private String alarmTopicArn;
        private String schedulerRoleArn;
        private String scheduleGroup = "default";
        private String scheduleDeadLetterArn;
        private int retryBudget = 20;
        private Duration retryBudgetWindow = Duration.ofSeconds(600);
        private List<String> retryableErrors = List.of();
        private List<String> nonRetryableErrors = List.of();
        private String metricsNamespace = "StepConnect";

        private Builder() {
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        public Builder baseDelay(Duration value) {
            this.baseDelay = value;
            return this;
        }

        public Builder maxDelay(Duration value) {
            this.maxDelay = value;
            return this;
        }

        /** Shortest delay of a retry after an unusable connection (a floor over base and max delay). */
        public Builder connectionRetryDelay(Duration value) {
            this.connectionRetryDelay = value;
            return this;
        }

        public Builder retryAll(boolean value) {
            this.retryAll = value;
            return this;
        }

        public Builder alarmTopicArn(String value) {
            this.alarmTopicArn = value;
            return this;
        }

        public Builder schedulerRoleArn(String value) {
            this.schedulerRoleArn = value;
            return this;
        }

        public Builder scheduleGroup(String value) {
            this.scheduleGroup = value;
            return this;
        }

        public Builder scheduleDeadLetterArn(String value) {
            this.scheduleDeadLetterArn = value;
            return this;
        }

        public Builder retryBudget(int value) {
            this.retryBudget = value;
            return this;
        }

        public Builder retryBudgetWindow(Duration value) {
            this.retryBudgetWindow = value;
            return this;
        }

        public Builder retryableErrors(List<String> value) {
            this.retryableErrors = value;
            return this;
        }

        public Builder nonRetryableErrors(List<String> value) {
            this.nonRetryableErrors = value;
            return this;
        }

        public Builder metricsNamespace(String value) {
            this.metricsNamespace = value;
            return this;
        }

        public RemediationSettings build() {
            return new RemediationSettings(maxAttempts, baseDelay, maxDelay, connectionRetryDelay, retryAll,
                    alarmTopicArn, schedulerRoleArn, scheduleGroup, scheduleDeadLetterArn, retryBudget,
                    retryBudgetWindow, retryableErrors, nonRetryableErrors, metricsNamespace);
        }
    }
}
