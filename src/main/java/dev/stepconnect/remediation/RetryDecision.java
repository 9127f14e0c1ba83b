package dev.stepconnect.remediation;

import java.time.Duration;

/**
 * What to do about one failure. {@code attempt} is the attempt that failed (the original run is 1);
 * {@code delay} is zero unless the action is {@link Action#RETRY_LATER}; {@code skipReason} is set for
 * {@link Action#GIVE_UP} and {@link Action#IGNORE}.
 */
public record RetryDecision(Action action, ErrorClass errorClass, int attempt, int maxAttempts, Duration delay,
                            SkipReason skipReason) {

    public enum Action { RETRY_NOW, RETRY_LATER, GIVE_UP, IGNORE }

    /** The Reason dimension of RetriesSkipped, and whether the failure is given up on or ignored. */
    public enum SkipReason {
        ABORTED("Aborted", Action.IGNORE),
        NOT_RETRYABLE("NotRetryable", Action.GIVE_UP),
        NOT_OPTED_IN("NotOptedIn", Action.GIVE_UP),
        ATTEMPTS_EXHAUSTED("AttemptsExhausted", Action.GIVE_UP),
        MAP_RUN_CHILD("MapRunChild", Action.GIVE_UP),
        /** An unusable connection is retried only later, and no scheduler role is configured. */
        CONNECTION_UNUSABLE("ConnectionUnusable", Action.GIVE_UP),
        BUDGET("Budget", Action.GIVE_UP),
        EXECUTION_GONE("ExecutionGone", Action.GIVE_UP),
        /** AWS's record names a state machine, alias or version other than the failed execution's. */
        TARGET_REFUSED("TargetRefused", Action.GIVE_UP),
        /** Express: the execution's input was not logged (log level ALL with includeExecutionData), or was truncated. */
        INPUT_UNAVAILABLE("InputUnavailable", Action.GIVE_UP),
        /** Express: no retry ledger bucket configured, so a retry could not be made exactly once. */
        NO_RETRY_LEDGER("NoRetryLedger", Action.GIVE_UP);

        private final String dimension;
        private final Action action;

        SkipReason(String dimension, Action action) {
            this.dimension = dimension;
            this.action = action;
        }

        public String dimension() {
            return dimension;
        }
    }

    /** Retry attempt {@code attempt}'s failure at once, out of {@code maxAttempts} attempts in all. */
    public static RetryDecision retryNow(ErrorClass errorClass, int attempt, int maxAttempts) {
        return new RetryDecision(Action.RETRY_NOW, errorClass, attempt, maxAttempts, Duration.ZERO, null);
    }

    public boolean retries() {
        return action == Action.RETRY_NOW || action == Action.RETRY_LATER;
    }

    /** This decision as a retry after {@code delay}: same error class and attempts. */
    public RetryDecision later(Duration delay) {
        return new RetryDecision(Action.RETRY_LATER, errorClass, attempt, maxAttempts, delay, null);
    }

    /** This decision turned into a skip for {@code reason}: same error class and attempts, no delay. */
    public RetryDecision skipped(SkipReason reason) {
        return new RetryDecision(reason.action, errorClass, attempt, maxAttempts, Duration.ZERO, reason);
    }
}
