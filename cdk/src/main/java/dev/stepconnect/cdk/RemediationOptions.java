package dev.stepconnect.cdk;

import software.amazon.awscdk.services.logs.ILogGroup;

/**
 * How {@link StepConnect#enableRemediation(software.amazon.awscdk.services.stepfunctions.StateMachine, RemediationOptions)}
 * opts a state machine into StepConnect's automated retries. Every field is optional for a Standard
 * state machine; an Express one also needs {@code logGroup}, and subscribes it to the StepConnect stack's
 * {@code <stepConnectStackName>-RemediationFunctionArn} export unless {@code remediationFunctionArn} is given.
 */
public final class RemediationOptions {
    private final Integer maxAttempts;
    private final RetryMode retryMode;
    private final ILogGroup logGroup;
    private final String remediationFunctionArn;
    private final String stepConnectStackName;

    private RemediationOptions(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.retryMode = b.retryMode;
        this.logGroup = b.logGroup;
        this.remediationFunctionArn = b.remediationFunctionArn;
        this.stepConnectStackName = b.stepConnectStackName;
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

    public String getStepConnectStackName() {
        return stepConnectStackName;
    }

    public static final class Builder {
        private Integer maxAttempts;
        private RetryMode retryMode;
        private ILogGroup logGroup;
        private String remediationFunctionArn;
        private String stepConnectStackName;

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
         * Express only: ARN of RemediationFunction's {@code live} alias (the subscription filter's
         * destination), e.g. for a StepConnect stack in another account. Default: {@code Fn::ImportValue}
         * of the StepConnect stack's {@code <stepConnectStackName>-RemediationFunctionArn} export.
         */
        public Builder remediationFunctionArn(String remediationFunctionArn) {
            this.remediationFunctionArn = remediationFunctionArn;
            return this;
        }

        /**
         * Express only: name of the deployed StepConnect stack whose {@code <name>-RemediationFunctionArn}
         * export is the destination (default {@code stepconnect}, the name samconfig.toml deploys);
         * ignored when {@code remediationFunctionArn} is given.
         */
        public Builder stepConnectStackName(String stepConnectStackName) {
            this.stepConnectStackName = stepConnectStackName;
            return this;
        }

        public RemediationOptions build() {
            return new RemediationOptions(this);
        }
    }
}
