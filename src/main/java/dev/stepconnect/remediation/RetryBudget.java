package dev.stepconnect.remediation;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Per-state-machine token bucket of one container: {@code capacity} retries at once, refilled at
 * {@code capacity} per {@code window}. This container's share of the storm protection; the bound
 * across containers comes from counting pending retry schedules (see {@link RemediationService}).
 */
public final class RetryBudget {
    private static final int MAX_MACHINES = 512;
    private final int capacity;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new LruMap<>(MAX_MACHINES);

    private static final class Bucket {
        double tokens;
        long updatedMillis;

        Bucket(double tokens, long updatedMillis) {
            this.tokens = tokens;
            this.updatedMillis = updatedMillis;
        }
    }

    public RetryBudget(int capacity, Duration window, Clock clock) {
        this.capacity = capacity;
        this.window = window;
        this.clock = clock;
    }

    /** Takes one retry from the machine's budget; false when it is spent. */
    public synchronized boolean tryAcquire(String stateMachine) {
        long now = clock.millis();
        Bucket bucket = buckets.computeIfAbsent(stateMachine, k -> new Bucket(capacity, now));
        double refill = (now - bucket.updatedMillis) * (double) capacity / window.toMillis();
        bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, refill));
        bucket.updatedMillis = now;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return true;
        }
        return false;
    }

    /** Returns a token taken by {@link #tryAcquire} that did not turn into a retry. */
    public synchronized void giveBack(String stateMachine) {
        Bucket bucket = buckets.get(stateMachine);
        if (bucket != null) {
            bucket.tokens = Math.min(capacity, bucket.tokens + 1);
        }
    }

    public int capacity() {
        return capacity;
    }
}
