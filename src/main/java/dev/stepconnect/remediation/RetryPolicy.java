package dev.stepconnect.remediation;

import dev.stepconnect.remediation.RetryDecision.SkipReason;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Decides retry now / retry later / give up / ignore for one classified failure, and is the one place
 * that decides why a failure is not retried (the runtime refusals — budget, execution gone, foreign
 * target — are {@link RetryDecision#skipped} of this decision). Pure: no AWS calls; the retry budget
 * (state across events) is applied by the caller afterwards.
 * <p>
 * Backoff: the n-th retry waits a uniformly random time between the base delay and
 * {@code min(maxDelay, base * 2^n)} ("full jitter" above a floor), so a burst of failures spreads out
 * instead of coming back at the same second. A retry is immediate when the delay is zero (base delay 0)
 * or when no scheduler role is configured (nothing could run a delayed retry).
 * <p>
 * {@link ErrorClass#CONNECTION_UNUSABLE} is never retried at once: a DEAUTHORIZED connection fails the
 * same way until healed. It waits at least {@code connectionRetryDelay} (a floor over base and max delay);
 * without a scheduler role it is skipped.
 */
public final class RetryPolicy {
    private final RemediationSettings settings;
    private final DoubleSupplier random;

    /** @param random values in [0, 1); injected so tests can pin the jitter */
    public RetryPolicy(RemediationSettings settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    public RetryDecision decide(ErrorClass errorClass, int failedAttempt, StateMachineSettings machine) {
        return decide(errorClass, failedAttempt, machine, false);
    }

    /**
     * @param mapRunChild the failure is a Distributed Map child execution: its parent's redrive re-runs it,
     *                    a retry of its own would run its item twice
     */
    public RetryDecision decide(ErrorClass errorClass, int failedAttempt, StateMachineSettings machine,
                                boolean mapRunChild) {
        int maxAttempts = machine.maxAttempts() != null ? machine.maxAttempts() : settings.maxAttempts();
        RetryDecision now = RetryDecision.retryNow(errorClass, failedAttempt, maxAttempts);
        if (errorClass == ErrorClass.ABORTED) {
            return now.skipped(SkipReason.ABORTED);
        }
        if (!errorClass.retryable()) {
            return now.skipped(SkipReason.NOT_RETRYABLE);
        }
        boolean optedIn = machine.autoRetry() != null ? machine.autoRetry() : settings.retryAll();
        if (!optedIn) {
            return now.skipped(SkipReason.NOT_OPTED_IN);
        }
        if (failedAttempt >= maxAttempts) {
            return now.skipped(SkipReason.ATTEMPTS_EXHAUSTED);
        }
        if (mapRunChild) {
            return now.skipped(SkipReason.MAP_RUN_CHILD);
        }
        Duration delay = backoff(failedAttempt);
        if (errorClass == ErrorClass.CONNECTION_UNUSABLE) {
            if (!settings.schedulerConfigured()) {
                return now.skipped(SkipReason.CONNECTION_UNUSABLE);
            }
            Duration floor = settings.connectionRetryDelay();
            return now.later(delay.compareTo(floor) < 0 ? floor : delay);
        }
        if (delay.isZero() || !settings.schedulerConfigured()) {
            return now;
        }
        return now.later(delay);
    }

    /** Delay before retry number {@code retry} (1 = first retry), within [base, min(max, base * 2^retry)]. */
    public Duration backoff(int retry) {
        long base = settings.baseDelay().toSeconds();
        long max = settings.maxDelay().toSeconds();
        long ceiling = base;
        for (int i = 0; i < retry && ceiling < max; i++) {
            ceiling = ceiling * 2;
        }
        ceiling = Math.min(Math.max(ceiling, base), max);
        double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        long seconds = base + Math.round(r * (ceiling - base));
        return Duration.ofSeconds(Math.min(seconds, max));
    }
}
