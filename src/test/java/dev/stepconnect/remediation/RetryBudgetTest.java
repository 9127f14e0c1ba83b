package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void spendsCapacityThenRefillsOverTheWindowPerStateMachine() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T06:00:00Z"));
        RetryBudget budget = new RetryBudget(5, Duration.ofMinutes(10), clock);
        int granted = 0;
        for (int i = 0; i < 500; i++) {
            granted += budget.tryAcquire("orders") ? 1 : 0;
        }
        assertThat(granted).isEqualTo(5);
        assertThat(budget.tryAcquire("billing")).isTrue();

        clock.advance(Duration.ofMinutes(2));
        assertThat(budget.tryAcquire("orders")).isTrue();
        assertThat(budget.tryAcquire("orders")).isFalse();

        clock.advance(Duration.ofHours(5));
        int afterLongPause = 0;
        for (int i = 0; i < 50; i++) {
            afterLongPause += budget.tryAcquire("orders") ? 1 : 0;
        }
        assertThat(afterLongPause).isEqualTo(5);
    }

    @Test
    void aTokenGivenBackCanBeTakenAgainButNeverRaisesTheCapacity() {
        RetryBudget budget = new RetryBudget(1, Duration.ofMinutes(10), Clock.fixed(Instant.parse("2026-11-25T06:00:00Z"), ZoneOffset.UTC));
        budget.giveBack("orders");
        assertThat(budget.tryAcquire("orders")).isTrue();
        assertThat(budget.tryAcquire("orders")).isFalse();
        budget.giveBack("orders");
        budget.giveBack("orders");
        assertThat(budget.tryAcquire("orders")).isTrue();
        assertThat(budget.tryAcquire("orders")).isFalse();
    }

    @Test
    void alarmNamesAreTruncatedToCloudWatchsLimit() {
        assertThat(AlarmManager.alarmName("orders")).isEqualTo("stepconnect-orders-failures");
        String longName = AlarmManager.alarmName("x".repeat(300));
        // Cut to fit with the name's hash, so two long names that share a start keep two alarms.
        assertThat(longName).hasSize(255).startsWith("stepconnect-x").matches(".*x-[0-9a-f]{8}-failures");
        assertThat(AlarmManager.alarmName("x".repeat(299) + "y")).hasSize(255).isNotEqualTo(longName);
        String surrogate = AlarmManager.alarmName("y".repeat(233) + "😀" + "z".repeat(30));
        assertThat(surrogate).hasSizeLessThanOrEqualTo(255).endsWith("-failures").matches("[\\x20-\\x7e]+");
    }
}
