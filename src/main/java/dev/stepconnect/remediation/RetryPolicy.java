package dev.stepconnect.remediation;

import dev.stepconnect.remediation.RetryDecision.Action;
import dev.stepconnect.remediation.RetryDecision.SkipReason;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Decides retry now / retry later / give up / ignore for one classified failure. Pure: no AWS calls;
 * the retry budget (state across events) is applied by the caller afterwards.
 * <p>
 * Backoff: the n-th retry waits a uniformly random time between the base delay and
 * {@code min(maxDelay, base * 2^n)} ("full jitter" above a floor), so a burst of failures spreads out
 * instead of coming back at the same second. A retry is immediate when the delay is zero (base delay 0)
 * or when no scheduler role is configured (nothing could run a delayed retry).
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
        int maxAttempts = machine.maxAttempts() != null ? machine.maxAttempts() : settings.maxAttempts();
        if (errorClass == ErrorClass.ABORTED) {
            return RetryDecision.skip(Action.IGNORE, errorClass, failedAttempt, maxAttempts, SkipReason.ABORTED);
        }
        if (!errorClass.retryable()) {
            return RetryDecision.skip(Action.GIVE_UP, errorClass, failedAttempt, maxAttempts, SkipReason.NOT_RETRYABLE);
        }
        boolean optedIn = machine.autoRetry() != null ? machine.autoRetry() : settings.retryAll();
        if (!optedIn) {
            return RetryDecision.skip(Action.GIVE_UP, errorClass, failedAttempt, maxAttempts, SkipReason.NOT_OPTED_IN);
        }
        if (failedAttempt >= maxAttempts) {
            return RetryDecision.skip(Action.GIVE_UP, errorClass, failedAttempt, maxAttempts, SkipReason.ATTEMPTS_EXHAUSTED);
        }
        Duration delay = backoff(failedAttempt);
        Action action = delay.isZero() || !settings.schedulerConfigured() ? Action.RETRY_NOW : Action.RETRY_LATER;
        return new RetryDecision(action, errorClass, failedAttempt, maxAttempts,
                action == Action.RETRY_NOW ? Duration.ZERO : delay, null);
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
