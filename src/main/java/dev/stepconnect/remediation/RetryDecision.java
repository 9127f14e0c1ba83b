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

    /** The Reason dimension of RetriesSkipped. */
    public enum SkipReason {
        ABORTED("Aborted"),
        NOT_RETRYABLE("NotRetryable"),
        NOT_OPTED_IN("NotOptedIn"),
        ATTEMPTS_EXHAUSTED("AttemptsExhausted"),
        BUDGET("Budget"),
        EXECUTION_GONE("ExecutionGone"),
        MAP_RUN_CHILD("MapRunChild"),
        /** Express: the execution's input was not logged (log level ALL with includeExecutionData), or was truncated. */
        INPUT_UNAVAILABLE("InputUnavailable"),
        /** Express: no retry ledger bucket configured, so a retry could not be made exactly once. */
        NO_RETRY_LEDGER("NoRetryLedger");

        private final String dimension;

        SkipReason(String dimension) {
            this.dimension = dimension;
        }

        public String dimension() {
            return dimension;
        }
    }

    public boolean retries() {
        return action == Action.RETRY_NOW || action == Action.RETRY_LATER;
    }

    static RetryDecision skip(Action action, ErrorClass errorClass, int attempt, int maxAttempts, SkipReason reason) {
        return new RetryDecision(action, errorClass, attempt, maxAttempts, Duration.ZERO, reason);
    }
}
