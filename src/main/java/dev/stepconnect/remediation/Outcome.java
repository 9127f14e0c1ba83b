package dev.stepconnect.remediation;

/**
 * What handling one event did; {@code decision} is null when the event was not examined further;
 * {@code route} is set when a retry was attempted (how, and why that way).
 */
public record Outcome(Kind kind, Classification classification, RetryDecision decision, RetryRoute route) {

    public enum Kind {
        /** A retry (redrive or new execution) was started now. */
        RETRY_STARTED,
        /** A retry was scheduled with EventBridge Scheduler. */
        RETRY_SCHEDULED,
        /** An earlier delivery of the same failure already retried it: nothing done, nothing counted. */
        ALREADY_RETRIED,
        /** No retry (see the decision's skip reason). */
        SKIPPED,
        /** The status is not a failure (e.g. SUCCEEDED): nothing to do. */
        NOT_A_FAILURE
    }

    /** A retry was started or scheduled by this call. */
    public boolean retried() {
        return kind == Kind.RETRY_STARTED || kind == Kind.RETRY_SCHEDULED;
    }

    static Outcome of(Kind kind, Classification classification, RetryDecision decision) {
        return new Outcome(kind, classification, decision, null);
    }

    static Outcome of(Kind kind, Classification classification, RetryDecision decision, RetryRoute route) {
        return new Outcome(kind, classification, decision, route);
    }
}
