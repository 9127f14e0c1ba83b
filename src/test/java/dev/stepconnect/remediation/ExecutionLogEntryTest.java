package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.remediation.ExecutionLogEntry.InputState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExecutionLogEntryTest {
    private static final String ARN = "arn:aws:states:us-east-1:123456789012:express:orders:run-1:4d4a5d48-2b1c-4f3e-9a8b-1234567890ab";

    @Test
    void executionStartedWithDataCarriesTheInput() {
        ExecutionLogEntry entry = ExecutionLogEntry.parse(ExpressLogs.started(ARN, "{\"card\":\"4111-private\"}", false));

        assertThat(entry.isStarted()).isTrue();
        assertThat(entry.isFailure()).isFalse();
        assertThat(entry.executionArn()).isEqualTo(ARN);
        assertThat(entry.inputState()).isEqualTo(InputState.INCLUDED);
        assertThat(entry.input()).isEqualTo("{\"card\":\"4111-private\"}");
        assertThat(entry.toString()).doesNotContain("4111-private");
    }

    @Test
    void executionStartedWithoutExecutionDataHasNoInput() {
        ExecutionLogEntry entry = ExecutionLogEntry.parse(ExpressLogs.startedWithoutData(ARN));

        assertThat(entry.inputState()).isEqualTo(InputState.ABSENT);
        assertThat(entry.input()).isNull();
    }

    @Test
    void aTruncatedInputIsNotUsable() {
        ExecutionLogEntry entry = ExecutionLogEntry.parse(ExpressLogs.started(ARN, "{\"order\":", true));

        assertThat(entry.inputState()).isEqualTo(InputState.TRUNCATED);
        assertThat(entry.input()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"ExecutionFailed,FAILED", "ExecutionTimedOut,TIMED_OUT", "ExecutionAborted,ABORTED"})
    void theThreeExecutionFailureTypesAreFailures(String type, String status) {
        ExecutionLogEntry entry = ExecutionLogEntry.parse(ExpressLogs.failed(type, ARN, "States.Timeout", "late"));

        assertThat(entry.isFailure()).isTrue();
        assertThat(entry.status()).isEqualTo(status);
        assertThat(entry.error()).isEqualTo("States.Timeout");
        assertThat(entry.cause()).isEqualTo("late");
    }

    @Test
    void aFailureWithoutErrorOrCauseStillIsOne() {
        ExecutionLogEntry entry = ExecutionLogEntry.parse(ExpressLogs.failed("ExecutionTimedOut", ARN, null, null));

        assertThat(entry.isFailure()).isTrue();
        assertThat(entry.error()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ExecutionSucceeded", "TaskStateEntered", "TaskFailed", "FailStateEntered", "MapRunFailed"})
    void everyOtherTypeIsNeitherStartNorFailure(String type) {
        ExecutionLogEntry entry = ExecutionLogEntry.parse(ExpressLogs.other(type, ARN));

        assertThat(entry.isFailure()).isFalse();
        assertThat(entry.isStarted()).isFalse();
    }

    @Test
    void malformedMessagesAreRejectedWithoutQuotingThem() {
        assertThatThrownBy(() -> ExecutionLogEntry.parse("START RequestId: secret-value"))
                .isInstanceOf(InvalidEventException.class).hasMessage("log message is not a JSON object");
        assertThatThrownBy(() -> ExecutionLogEntry.parse("{\"execution_arn\":\"" + ARN + "\"}"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'type'");
        assertThatThrownBy(() -> ExecutionLogEntry.parse("{\"type\":\"ExecutionFailed\"}"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'execution_arn'");
        assertThatThrownBy(() -> ExecutionLogEntry.parse("{\"type\":\"ExecutionFailed\",\"execution_arn\":\"" + ARN
                + "\",\"details\":\"secret\"}")).isInstanceOf(InvalidEventException.class).hasMessageNotContaining("secret");
    }
}
