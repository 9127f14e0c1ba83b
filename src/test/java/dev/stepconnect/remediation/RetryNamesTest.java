package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryNamesTest {
    private static FailureEvent failure(String machine, String name, int redriveCount) {
        return FailureEvent.builder("arn:aws:states:us-east-1:123456789012:execution:" + machine + ":" + name,
                "arn:aws:states:us-east-1:123456789012:stateMachine:" + machine, name, "FAILED")
                .error("States.Timeout").redriveCount(redriveCount).redriveStatus(RedriveStatus.REDRIVABLE).build();
    }

    @Test
    void namesAreDeterministicPerFailureAndDifferPerRedrive() {
        FailureEvent first = failure("orders", "run-1", 0);
        assertThat(RetryNames.retryExecutionName(first, 2)).isEqualTo(RetryNames.retryExecutionName(failure("orders", "run-1", 0), 2));
        assertThat(RetryNames.scheduleName(first)).isEqualTo(RetryNames.scheduleName(failure("orders", "run-1", 0)));
        assertThat(RetryNames.redriveClientToken(first)).isEqualTo(RetryNames.redriveClientToken(failure("orders", "run-1", 0)));
        FailureEvent redriven = failure("orders", "run-1", 1);
        assertThat(RetryNames.scheduleName(redriven)).isNotEqualTo(RetryNames.scheduleName(first));
        assertThat(RetryNames.redriveClientToken(redriven)).isNotEqualTo(RetryNames.redriveClientToken(first));
    }

    @Test
    void namesRespectAwsLimitsForLongAndOddNames() {
        String longMachine = "m".repeat(80);
        String longName = "n".repeat(70) + "ä b/c";
        FailureEvent event = failure(longMachine, longName, 3);
        String execution = RetryNames.retryExecutionName(event, 99);
        assertThat(execution).hasSizeLessThanOrEqualTo(80).matches("[A-Za-z0-9_-]+").endsWith(execution.substring(execution.indexOf("--retry99-")));
        assertThat(RetryNames.scheduleName(event)).hasSizeLessThanOrEqualTo(64).matches("[A-Za-z0-9_-]+")
                .startsWith(RetryNames.schedulePrefix(event.baseStateMachineArn(), event.stateMachineName()));
        assertThat(RetryNames.redriveClientToken(event)).hasSizeLessThanOrEqualTo(64).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void attemptNumberSurvivesAStartedRetry() {
        FailureEvent original = failure("orders", "run-1", 0);
        assertThat(RetryNames.startingAttempt("run-1")).isEqualTo(1);
        String second = RetryNames.retryExecutionName(original, 2);
        assertThat(RetryNames.startingAttempt(second)).isEqualTo(2);
        // The retry of a retry keeps the original root rather than stacking suffixes.
        String third = RetryNames.retryExecutionName(failure("orders", second, 1), 4);
        assertThat(third).startsWith("run-1--retry4-");
        assertThat(RetryNames.startingAttempt(third)).isEqualTo(4);
        assertThat(RetryNames.startingAttempt("my--retry-plan")).isEqualTo(1);
    }

    @Test
    void schedulePrefixSeparatesStateMachinesWithTheSameTruncatedName() {
        String a = RetryNames.schedulePrefix("arn:aws:states:us-east-1:1:stateMachine:" + "x".repeat(30) + "a", "x".repeat(30) + "a");
        String b = RetryNames.schedulePrefix("arn:aws:states:us-east-1:1:stateMachine:" + "x".repeat(30) + "b", "x".repeat(30) + "b");
        assertThat(a).isNotEqualTo(b);
        assertThat(a).doesNotStartWith(b).startsWith("stepconnect-");
    }
}
