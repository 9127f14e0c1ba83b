package dev.stepconnect.remediation;

import java.util.Locale;

/**
 * How a retry re-runs the work ({@link Way#REDRIVE} the failed execution, or {@link Way#RESTART} it as a new
 * execution with the original input), the {@code stepconnect:retry-mode} that asked for it, the failure point
 * when the history was read (null otherwise) and the reason in a few words, for the log.
 */
public record RetryRoute(Way way, RetryMode mode, FailurePoint failurePoint, String reason) {

    /** The Mode dimension of RetriesStarted / RetriesScheduled. */
    public enum Way {
        REDRIVE, RESTART;

        public String dimension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The history was asked for and could not be read. */
    boolean historyUnread() {
        return failurePoint != null && !failurePoint.readable();
    }

    RetryRoute restart(String why) {
        return new RetryRoute(Way.RESTART, mode, failurePoint, why);
    }

    /**
     * Chooses the way. {@code history} is called only when the answer depends on it (mode auto and AWS
     * allows a redrive), so at most one GetExecutionHistory per failure that would otherwise be redriven.
     */
    static RetryRoute choose(RetryMode mode, boolean redrivable, java.util.function.Supplier<FailurePoint> history) {
        if (!redrivable) {
            return new RetryRoute(Way.RESTART, mode, null, "not redrivable");
        }
        switch (mode) {
            case RESTART:
                return new RetryRoute(Way.RESTART, mode, null, "retry-mode restart");
            case REDRIVE:
                return new RetryRoute(Way.REDRIVE, mode, null, "retry-mode redrive");
            default:
                FailurePoint point = history.get();
                if (!point.readable()) {
                    return new RetryRoute(Way.REDRIVE, mode, point, "history unreadable (" + point.unreadableReason() + ")");
                }
                if (point.failState()) {
                    return new RetryRoute(Way.RESTART, mode, point, "failed in a Fail state: a redrive would re-enter it");
                }
                return new RetryRoute(Way.REDRIVE, mode, point, "redrive re-runs the failed state");
        }
    }
}
