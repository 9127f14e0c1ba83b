package dev.stepconnect.cdk;

import software.amazon.awscdk.services.logs.ILogGroup;

/**
 * How {@link StepConnect#enableRemediation(software.amazon.awscdk.services.stepfunctions.StateMachine, RemediationOptions)}
 * opts a state machine into StepConnect's automated retries. Every field is optional for a Standard
 * state machine; an Express one also needs {@code logGroup} and {@code remediationFunctionArn}.
 */
public final class RemediationOptions {
    private final Integer maxAttempts;
    private final RetryMode retryMode;
    private final ILogGroup logGroup;
    private final String remediationFunctionArn;

    private RemediationOptions(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.retryMode = b.retryMode;
        this.logGroup = b.logGroup;
        this.remediationFunctionArn = b.remediationFunctionArn;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    public RetryMode getRetryMode() {
        return retryMode;
    }

    public ILogGroup getLogGroup() {
        return logGroup;
    }

    public String getRemediationFunctionArn() {
        return remediationFunctionArn;
    }

    public static final class Builder {
        private Integer maxAttempts;
        private RetryMode retryMode;
        private ILogGroup logGroup;
        private String remediationFunctionArn;

        private Builder() {
        }

        /**
         * {@code stepconnect:max-attempts}: total attempts per execution, the original run included,
         * 1..100. Unset: RemediationFunction's {@code STEPCONNECT_MAX_ATTEMPTS} (default 3).
         */
        public Builder maxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** {@code stepconnect:retry-mode}. Unset: RemediationFunction's default, {@code auto}. */
        public Builder retryMode(RetryMode retryMode) {
            this.retryMode = retryMode;
            return this;
        }

        /**
         * Express only: the log group the state machine's {@code logs} option writes to. Express
         * workflows emit no status-change events; their failures reach StepConnect only through this
         * log group.
         */
        public Builder logGroup(ILogGroup logGroup) {
            this.logGroup = logGroup;
            return this;
        }

        /**
         * Express only: ARN of RemediationFunction's {@code live} alias in the StepConnect stack (the
         * subscription filter's destination).
         */
        public Builder remediationFunctionArn(String remediationFunctionArn) {
            this.remediationFunctionArn = remediationFunctionArn;
            return this;
        }

        public RemediationOptions build() {
            return new RemediationOptions(this);
        }
    }
}
