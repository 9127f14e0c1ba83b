package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.remediation.RetryDecision.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SweepModeTest {
    private static final String MACHINE_A = "arn:aws:states:us-east-1:123456789012:stateMachine:a";
    private static final String MACHINE_B = "arn:aws:states:us-east-1:123456789012:stateMachine:b";

    private static FailureEvent failure(String machine, String name) {
        return FailureEvent.builder(machine.replace(":stateMachine:", ":execution:") + ":" + name, machine, name, "FAILED")
                .error("States.Timeout").redriveStatus(RedriveStatus.REDRIVABLE).build();
    }

    private static RetryDecision now() {
        return RetryDecision.retryNow(ErrorClass.TIMEOUT, 1, 3);
    }

    @Test
    void sweepRetriesBecomeSchedulesSpreadOverTheBudgetWindowPerStateMachine() {
        // Budget 20 per 600 s: one slot every 30 s.
        SweepMode mode = SweepMode.forRun(false, RemediationFixture.settings(3, 0, RemediationFixture.SCHEDULER_ROLE,
                "default", 20, false));

        RetryDecision a1 = mode.pace(failure(MACHINE_A, "r1"), now());
        RetryDecision a2 = mode.pace(failure(MACHINE_A, "r2"), now());
        RetryDecision b1 = mode.pace(failure(MACHINE_B, "r1"), now());

        assertThat(a1.action()).isEqualTo(Action.RETRY_LATER);
        assertThat(a1.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a2.delay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(b1.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a2.attempt()).isEqualTo(1);
        assertThat(a2.maxAttempts()).isEqualTo(3);
    }

    @Test
    void aLongerBackoffIsKept() {
        SweepMode mode = SweepMode.forRun(false, RemediationFixture.settings(3, 60, RemediationFixture.SCHEDULER_ROLE,
                "default", 20, false));
        RetryDecision later = RetryDecision.retryNow(ErrorClass.TIMEOUT, 1, 3).later(Duration.ofSeconds(900));

        assertThat(mode.pace(failure(MACHINE_A, "r1"), later).delay()).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void withoutASchedulerRoleAndForSkipsTheDecisionIsUnchanged() {
        SweepMode unscheduled = SweepMode.forRun(false, RemediationFixture.settings(3, 0, null, "default", 20, false));
        SweepMode scheduled = SweepMode.forRun(false, RemediationFixture.settings(3, 0, RemediationFixture.SCHEDULER_ROLE,
                "default", 20, false));
        RetryDecision skip = RetryDecision.retryNow(ErrorClass.PERMISSIONS, 1, 3)
                .skipped(RetryDecision.SkipReason.NOT_RETRYABLE);

        assertThat(unscheduled.pace(failure(MACHINE_A, "r1"), now())).isEqualTo(now());
        assertThat(scheduled.pace(failure(MACHINE_A, "r1"), skip)).isEqualTo(skip);
    }

    @Test
    void onlyAnOnDemandRunOptsTheStateMachineIn() {
        var settings = RemediationFixture.settings(3, 0, null, "default", 20, false);
        StateMachineSettings untagged = StateMachineSettings.none();
        StateMachineSettings optedOut = StateMachineSettings.fromTags(java.util.Map.of(StateMachineSettings.AUTO_RETRY_TAG,
                "false", StateMachineSettings.MAX_ATTEMPTS_TAG, "5"));

        assertThat(SweepMode.forRun(false, settings).machine(untagged)).isEqualTo(untagged);
        assertThat(SweepMode.forRun(true, settings).machine(untagged).autoRetry()).isTrue();
        StateMachineSettings asked = SweepMode.forRun(true, settings).machine(optedOut);
        assertThat(asked.autoRetry()).isTrue();
        assertThat(asked.maxAttempts()).isEqualTo(5);
        assertThat(SweepMode.NONE.machine(optedOut)).isEqualTo(optedOut);
    }
}
