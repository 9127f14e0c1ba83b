package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.remediation.RetryDecision.Action;
import dev.stepconnect.remediation.RetryDecision.SkipReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
    private static final StateMachineSettings OPTED_IN = StateMachineSettings.fromTags(Map.of("stepconnect:auto-retry", "true"));

    static RemediationSettings settings(int maxAttempts, int baseSeconds, int maxSeconds, boolean retryAll, String role) {
        return RemediationSettings.builder().maxAttempts(maxAttempts).baseDelay(Duration.ofSeconds(baseSeconds))
                .maxDelay(Duration.ofSeconds(maxSeconds)).retryAll(retryAll).schedulerRoleArn(role).build();
    }

    private static RetryPolicy policy(double random) {
        return new RetryPolicy(settings(3, 60, 3600, false, "arn:aws:iam::123456789012:role/scheduler"), () -> random);
    }

    @ParameterizedTest(name = "failed attempt {0} of max {1}: {2}")
    @CsvSource({"1, 3, RETRY_LATER", "2, 3, RETRY_LATER", "3, 3, GIVE_UP", "4, 3, GIVE_UP", "1, 1, GIVE_UP"})
    void attemptsAreCappedIncludingTheOriginalRun(int failedAttempt, int maxAttempts, Action expected) {
        RetryPolicy policy = new RetryPolicy(settings(maxAttempts, 60, 3600, false, "arn:aws:iam::1:role/s"), () -> 0.5);
        RetryDecision decision = policy.decide(ErrorClass.THROTTLING, failedAttempt, OPTED_IN);
        assertThat(decision.action()).isEqualTo(expected);
        assertThat(decision.attempt()).isEqualTo(failedAttempt);
        if (expected == Action.GIVE_UP) {
            assertThat(decision.skipReason()).isEqualTo(SkipReason.ATTEMPTS_EXHAUSTED);
        }
    }

    @Test
    void maxAttemptsTagOverridesTheDefault() {
        StateMachineSettings tagged = StateMachineSettings.fromTags(Map.of("stepconnect:auto-retry", "true",
                "stepconnect:max-attempts", "5"));
        assertThat(policy(0.5).decide(ErrorClass.TIMEOUT, 4, tagged).action()).isEqualTo(Action.RETRY_LATER);
        assertThat(policy(0.5).decide(ErrorClass.TIMEOUT, 5, tagged).skipReason()).isEqualTo(SkipReason.ATTEMPTS_EXHAUSTED);
        StateMachineSettings one = StateMachineSettings.fromTags(Map.of("stepconnect:auto-retry", "true",
                "stepconnect:max-attempts", "1"));
        assertThat(policy(0.5).decide(ErrorClass.TIMEOUT, 1, one).skipReason()).isEqualTo(SkipReason.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void optInIsRequiredUnlessRetryAll() {
        assertThat(policy(0.5).decide(ErrorClass.THROTTLING, 1, StateMachineSettings.none()).skipReason())
                .isEqualTo(SkipReason.NOT_OPTED_IN);
        assertThat(policy(0.5).decide(ErrorClass.THROTTLING, 1,
                StateMachineSettings.fromTags(Map.of("stepconnect:auto-retry", "TRUE"))).retries()).isTrue();
        RetryPolicy all = new RetryPolicy(settings(3, 60, 3600, true, "arn:aws:iam::1:role/s"), () -> 0.5);
        assertThat(all.decide(ErrorClass.THROTTLING, 1, StateMachineSettings.none()).retries()).isTrue();
        // An explicit "false" opts a state machine out even when everything else is retried.
        assertThat(all.decide(ErrorClass.THROTTLING, 1,
                StateMachineSettings.fromTags(Map.of("stepconnect:auto-retry", "false"))).skipReason())
                .isEqualTo(SkipReason.NOT_OPTED_IN);
    }

    @Test
    void nonRetryableGivesUpAndAbortedIsIgnored() {
        for (ErrorClass errorClass : ErrorClass.values()) {
            RetryDecision decision = policy(0.5).decide(errorClass, 1, OPTED_IN);
            if (errorClass == ErrorClass.ABORTED) {
                assertThat(decision.action()).isEqualTo(Action.IGNORE);
                assertThat(decision.skipReason()).isEqualTo(SkipReason.ABORTED);
            } else if (errorClass.retryable()) {
                assertThat(decision.retries()).as(errorClass.name()).isTrue();
            } else {
                assertThat(decision.action()).as(errorClass.name()).isEqualTo(Action.GIVE_UP);
                assertThat(decision.skipReason()).isEqualTo(SkipReason.NOT_RETRYABLE);
            }
        }
    }

    @ParameterizedTest(name = "retry {0}: within [{1}, {2}] s")
    @CsvSource({"1, 60, 120", "2, 60, 240", "3, 60, 480", "6, 60, 3600", "30, 60, 3600"})
    void backoffStaysWithinItsJitterWindow(int retry, long low, long high) {
        assertThat(policy(0.0).backoff(retry)).isEqualTo(Duration.ofSeconds(low));
        assertThat(policy(0.999999).backoff(retry)).isEqualTo(Duration.ofSeconds(high));
        Duration middle = policy(0.5).backoff(retry);
        assertThat(middle).isBetween(Duration.ofSeconds(low), Duration.ofSeconds(high));
        assertThat(middle).isNotEqualTo(Duration.ofSeconds(low));
    }

    @Test
    void backoffNeverExceedsTheMaximumEvenWithOddInputs() {
        RetryPolicy tight = new RetryPolicy(settings(100, 50, 70, false, "arn:aws:iam::1:role/s"), () -> 1.0);
        for (int retry = 1; retry < 100; retry++) {
            assertThat(tight.backoff(retry)).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(70));
        }
    }

    @Test
    void retryIsImmediateWithoutSchedulerRoleOrWithZeroDelay() {
        RetryPolicy noRole = new RetryPolicy(settings(3, 60, 3600, false, null), () -> 0.5);
        RetryDecision decision = noRole.decide(ErrorClass.THROTTLING, 1, OPTED_IN);
        assertThat(decision.action()).isEqualTo(Action.RETRY_NOW);
        assertThat(decision.delay()).isZero();

        RetryPolicy zero = new RetryPolicy(settings(3, 0, 0, false, "arn:aws:iam::1:role/s"), () -> 0.5);
        assertThat(zero.decide(ErrorClass.THROTTLING, 1, OPTED_IN).action()).isEqualTo(Action.RETRY_NOW);

        RetryDecision later = policy(0.5).decide(ErrorClass.THROTTLING, 1, OPTED_IN);
        assertThat(later.action()).isEqualTo(Action.RETRY_LATER);
        assertThat(later.delay()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(120));
    }

    @Test
    void invalidTagsAreReportedAndIgnored() {
        StateMachineSettings bad = StateMachineSettings.fromTags(Map.of("stepconnect:auto-retry", "yes",
                "stepconnect:max-attempts", "many"));
        assertThat(bad.autoRetry()).isNull();
        assertThat(bad.maxAttempts()).isNull();
        assertThat(bad.problems()).contains("stepconnect:auto-retry", "stepconnect:max-attempts");
        assertThat(StateMachineSettings.fromTags(Map.of("stepconnect:max-attempts", "0")).maxAttempts()).isNull();
    }

    @Test
    void unusableConnectionWaitsAtLeastTheConnectionDelayAndNeverRetriesAtOnce() {
        RemediationSettings base = settings(3, 60, 3600, false, "arn:aws:iam::1:role/s");
        RetryDecision later = new RetryPolicy(base, () -> 0.5).decide(ErrorClass.CONNECTION_UNUSABLE, 1, OPTED_IN);
        assertThat(later.action()).isEqualTo(Action.RETRY_LATER);
        assertThat(later.delay()).isEqualTo(Duration.ofSeconds(900));
        // A floor over the max delay too, and even with base delay 0.
        RemediationSettings zero = settings(3, 0, 60, false, "arn:aws:iam::1:role/s").toBuilder()
                .connectionRetryDelay(Duration.ofSeconds(1200)).build();
        RetryDecision floor = new RetryPolicy(zero, () -> 0.5).decide(ErrorClass.CONNECTION_UNUSABLE, 1, OPTED_IN);
        assertThat(floor.action()).isEqualTo(Action.RETRY_LATER);
        assertThat(floor.delay()).isEqualTo(Duration.ofSeconds(1200));
        // A longer backoff wins over the floor.
        RetryPolicy longBackoff = new RetryPolicy(settings(10, 600, 7200, false, "arn:aws:iam::1:role/s"), () -> 1.0);
        assertThat(longBackoff.decide(ErrorClass.CONNECTION_UNUSABLE, 3, OPTED_IN).delay()).isEqualTo(Duration.ofSeconds(4800));
        // Busy connections are retried like any retryable error.
        assertThat(new RetryPolicy(zero, () -> 0.5).decide(ErrorClass.CONNECTION_BUSY, 1, OPTED_IN).action())
                .isEqualTo(Action.RETRY_NOW);
    }

    @Test
    void unusableConnectionWithoutSchedulerIsSkipped() {
        RetryDecision decision = new RetryPolicy(settings(3, 60, 3600, false, null), () -> 0.5)
                .decide(ErrorClass.CONNECTION_UNUSABLE, 1, OPTED_IN);
        assertThat(decision.action()).isEqualTo(Action.GIVE_UP);
        assertThat(decision.skipReason()).isEqualTo(SkipReason.CONNECTION_UNUSABLE);
    }

    @Test
    void mapRunChildIsSkippedOnlyWhenItWouldOtherwiseBeRetried() {
        assertThat(policy(0.5).decide(ErrorClass.THROTTLING, 1, OPTED_IN, true).skipReason())
                .isEqualTo(SkipReason.MAP_RUN_CHILD);
        // The other reasons come first, as before.
        assertThat(policy(0.5).decide(ErrorClass.HTTP_ERROR, 1, OPTED_IN, true).skipReason())
                .isEqualTo(SkipReason.NOT_RETRYABLE);
        assertThat(policy(0.5).decide(ErrorClass.THROTTLING, 1, StateMachineSettings.none(), true).skipReason())
                .isEqualTo(SkipReason.NOT_OPTED_IN);
        assertThat(policy(0.5).decide(ErrorClass.THROTTLING, 3, OPTED_IN, true).skipReason())
                .isEqualTo(SkipReason.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void retryModeTagIsReadAndInvalidValuesAreReportedAsAuto() {
        assertThat(StateMachineSettings.fromTags(Map.of()).retryMode()).isEqualTo(RetryMode.AUTO);
        assertThat(StateMachineSettings.fromTags(Map.of("stepconnect:retry-mode", "Restart")).retryMode())
                .isEqualTo(RetryMode.RESTART);
        assertThat(StateMachineSettings.fromTags(Map.of("stepconnect:retry-mode", "redrive")).retryMode())
                .isEqualTo(RetryMode.REDRIVE);
        StateMachineSettings bad = StateMachineSettings.fromTags(Map.of("stepconnect:retry-mode", "sometimes"));
        assertThat(bad.retryMode()).isEqualTo(RetryMode.AUTO);
        assertThat(bad.problems()).contains("stepconnect:retry-mode");
    }
}
