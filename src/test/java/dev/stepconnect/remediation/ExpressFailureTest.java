package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpressFailureTest {
    private static final String ARN = "arn:aws:states:eu-west-1:210987654321:express:orders:run-7:4d4a5d48-2b1c-4f3e-9a8b-1234567890ab";

    private static ExpressFailure failure(String executionArn) {
        return ExpressFailure.from("id-1", 1764450001000L,
                ExecutionLogEntry.parse(ExpressLogs.failed("ExecutionFailed", executionArn, "States.Timeout", "late")));
    }

    @Test
    void theStateMachineAndTheExecutionNameComeFromTheExpressExecutionArn() {
        ExpressFailure failure = failure(ARN);

        assertThat(failure.stateMachineArn()).isEqualTo("arn:aws:states:eu-west-1:210987654321:stateMachine:orders");
        assertThat(failure.executionName()).isEqualTo("run-7");
        assertThat(failure.account()).isEqualTo("210987654321");
        assertThat(failure.status()).isEqualTo("FAILED");
    }

    @Test
    void theFailureRecordIsNeverRedrivableAndStartsOnTheStateMachine() {
        FailureEvent event = failure(ARN).toFailureEvent(null);

        assertThat(event.redriveStatus()).isEqualTo(RedriveStatus.NOT_REDRIVABLE);
        assertThat(event.redriveCount()).isZero();
        assertThat(event.startTargetArn()).isEqualTo("arn:aws:states:eu-west-1:210987654321:stateMachine:orders");
        assertThat(event.stateMachineName()).isEqualTo("orders");
        assertThat(event.error()).isEqualTo("States.Timeout");
        assertThat(event.input()).isNull();
    }

    @Test
    void aRetriedExpressExecutionCountsItsAttemptFromItsName() {
        FailureEvent original = failure(ARN).toFailureEvent(null);
        String retryName = RetryNames.retryExecutionName(original, 2);
        String retryArn = "arn:aws:states:eu-west-1:210987654321:express:orders:" + retryName + ":0f0e0d0c-0000-4000-8000-000000000001";

        FailureEvent retryFailed = failure(retryArn).toFailureEvent(null);

        assertThat(RetryNames.startingAttempt(retryFailed.executionName())).isEqualTo(2);
        assertThat(RetryNames.retryExecutionName(retryFailed, 3)).contains("run-7--retry3-");
    }

    @Test
    void aDistributedMapChildKeepsItsParentsNameAndIsAMapRunChild() {
        FailureEvent child = failure("arn:aws:states:eu-west-1:210987654321:express:orders/batch-1:child-3:"
                + "4d4a5d48-2b1c-4f3e-9a8b-1234567890ab").toFailureEvent(null);

        assertThat(child.mapRunChild()).isTrue();
        assertThat(child.stateMachineName()).isEqualTo("orders");
    }

    @Test
    void standardExecutionsAreNotExpressFailures() {
        assertThatThrownBy(() -> failure("arn:aws:states:eu-west-1:210987654321:execution:orders:run-7"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("Express");
        assertThatThrownBy(() -> failure("not-an-arn"))
                .isInstanceOf(InvalidEventException.class);
    }
}
