package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FailureEventTest {
    static String event(String detailFields) {
        return """
                {"version":"0","id":"315c1398-40ff-a850-213b-158f73e60175","detail-type":"Step Functions Execution Status Change",
                 "source":"aws.states","account":"123456789012","time":"2026-11-25T06:00:00Z","region":"us-east-1",
                 "resources":["arn:aws:states:us-east-1:123456789012:execution:orders:run-1"],
                 "detail":{%s}}""".formatted(detailFields);
    }

    private static final String COMPLETE = """
            "executionArn":"arn:aws:states:us-east-1:123456789012:execution:orders:run-1",
            "stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:orders",
            "name":"run-1","status":"FAILED","startDate":1764050000000,"stopDate":1764050060000,
            "input":null,"inputDetails":{"included":false},"output":null,"outputDetails":null,
            "error":"States.Http.StatusCode.503","cause":"unavailable",
            "redriveCount":2,"redriveDate":1764050030000,"redriveStatus":"SOMETHING_NEW","redriveStatusReason":"x",
            "stateMachineVersionArn":null,"stateMachineAliasArn":null""";

    @Test
    void toleratesNullInputNumericRedriveDateAndUnknownRedriveStatus() {
        FailureEvent event = FailureEvent.parse(event(COMPLETE));
        assertThat(event.input()).isNull();
        assertThat(event.redriveCount()).isEqualTo(2);
        assertThat(event.redriveStatus()).isEqualTo(RedriveStatus.UNKNOWN);
        assertThat(event.status()).isEqualTo("FAILED");
        assertThat(event.error()).isEqualTo("States.Http.StatusCode.503");
        assertThat(event.stateMachineName()).isEqualTo("orders");
        assertThat(event.startTargetArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:orders");
        assertThat(event.dedupeKey()).isEqualTo("arn:aws:states:us-east-1:123456789012:execution:orders:run-1#2#FAILED");
    }

    @Test
    void minimalDetailGetsDefaults() {
        FailureEvent event = FailureEvent.parse(event("""
                "executionArn":"arn:aws:states:us-east-1:123456789012:execution:orders:run-9",
                "stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod","status":"TIMED_OUT"
                """));
        assertThat(event.executionName()).isEqualTo("run-9");
        assertThat(event.redriveCount()).isZero();
        assertThat(event.redriveStatus()).isEqualTo(RedriveStatus.UNKNOWN);
        assertThat(event.stateMachineName()).isEqualTo("orders");
        assertThat(event.baseStateMachineArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:orders");
    }

    @Test
    void distributedMapChildBelongsToItsParentStateMachine() {
        FailureEvent child = FailureEvent.parse(event("""
                "executionArn":"arn:aws:states:us-east-1:123456789012:execution:orders/nightly-run:item-42",
                "stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:orders/nightly-run",
                "status":"FAILED","redriveStatus":"REDRIVABLE_BY_MAP_RUN"
                """));
        assertThat(child.mapRunChild()).isTrue();
        assertThat(child.stateMachineName()).isEqualTo("orders");
        assertThat(child.baseStateMachineArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:orders");

        assertThat(FailureEvent.parse(event(COMPLETE)).mapRunChild()).isFalse();
    }

    @Test
    void aliasThenVersionThenMachineIsWhereANewExecutionGoes() {
        FailureEvent event = FailureEvent.parse(event(COMPLETE.replace("\"stateMachineAliasArn\":null",
                "\"stateMachineAliasArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:orders:live\"")
                .replace("\"stateMachineVersionArn\":null",
                        "\"stateMachineVersionArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:orders:7\"")));
        assertThat(event.startTargetArn()).endsWith(":orders:live");
        assertThat(event.redriveStatus()).isEqualTo(RedriveStatus.UNKNOWN);
        assertThat(RedriveStatus.parse("redrivable")).isEqualTo(RedriveStatus.REDRIVABLE);
        assertThat(RedriveStatus.parse("REDRIVE_IN_PROGRESS")).isEqualTo(RedriveStatus.REDRIVE_IN_PROGRESS);
    }

    @Test
    void malformedEventsNameTheProblemButNeverQuoteTheBody() {
        assertThatThrownBy(() -> FailureEvent.parse("not json secret-marker"))
                .isInstanceOf(InvalidEventException.class).hasMessageNotContaining("secret-marker");
        assertThatThrownBy(() -> FailureEvent.parse(null)).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> FailureEvent.parse("[1]")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> FailureEvent.parse(event(COMPLETE).replace("Execution Status Change", "Other")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("Step Functions Execution Status Change");
        assertThatThrownBy(() -> FailureEvent.parse(event(COMPLETE.replace("\"executionArn\"", "\"x\""))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("executionArn");
        assertThatThrownBy(() -> FailureEvent.parse(event(COMPLETE.replace("\"redriveCount\":2", "\"redriveCount\":\"two\""))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("redriveCount");
        assertThatThrownBy(() -> FailureEvent.parse("{\"detail-type\":\"Step Functions Execution Status Change\",\"detail\":\"x\"}"))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void snapshotTellsWhetherTheFailureWasAlreadyActedUpon() {
        FailureEvent event = FailureEvent.parse(event(COMPLETE));
        assertThat(new ExecutionSnapshot("FAILED", null, 2, RedriveStatus.REDRIVABLE).movedPast(event)).isFalse();
        assertThat(new ExecutionSnapshot("FAILED", null, null, RedriveStatus.UNKNOWN).movedPast(event)).isFalse();
        assertThat(new ExecutionSnapshot("FAILED", null, 3, RedriveStatus.REDRIVABLE).movedPast(event)).isTrue();
        assertThat(new ExecutionSnapshot("RUNNING", null, 2, RedriveStatus.REDRIVE_IN_PROGRESS).movedPast(event)).isTrue();
        assertThat(new ExecutionSnapshot("SUCCEEDED", null, null, RedriveStatus.NOT_REDRIVABLE).movedPast(event)).isTrue();
    }

    @Test
    void onlyStepFunctionsSourceIsAccepted() {
        assertThatThrownBy(() -> FailureEvent.parse(event(COMPLETE).replace("\"source\":\"aws.states\"", "\"source\":\"team-b.app\"")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("aws.states");
        assertThatThrownBy(() -> FailureEvent.parse(event(COMPLETE).replace("\"source\":\"aws.states\",", "")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("aws.states");
        assertThatThrownBy(() -> FailureEvent.parse(event(COMPLETE.replace(
                "arn:aws:states:us-east-1:123456789012:execution:orders:run-1", "arn:aws:sqs:us-east-1:123456789012:queue"))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("executionArn");
    }

    @Test
    void theStateMachineIsTheOneTheExecutionArnNames() {
        // A message claiming another state machine: tags, alarms and retries follow the execution ARN.
        FailureEvent event = FailureEvent.parse(event(COMPLETE.replace(
                "\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:orders\"",
                "\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:team-b\"")));
        assertThat(event.baseStateMachineArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:orders");
        assertThat(event.stateMachineName()).isEqualTo("orders");
        FailureEvent express = FailureEvent.builder("arn:aws:states:us-east-1:123456789012:express:fast:run-1:0a1b2c3d",
                "arn:aws:states:us-east-1:123456789012:stateMachine:fast", "run-1", "FAILED")
                .error("States.Timeout").input("{}").build();
        assertThat(express.baseStateMachineArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:fast");
    }

    @Test
    void aRetryGoesOnlyToAnAliasOrVersionOfTheExecutionsOwnStateMachine() {
        String base = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
        assertThat(snapshot(base, null, null).startTarget(base)).contains(base);
        assertThat(snapshot(null, null, null).startTarget(base)).contains(base);
        assertThat(snapshot(base, base + ":live", base + ":7").startTarget(base)).contains(base + ":live");
        assertThat(snapshot(base, null, base + ":7").startTarget(base)).contains(base + ":7");
        assertThat(snapshot(base + ":7", null, base + ":7").startTarget(base)).contains(base + ":7");
        assertThat(snapshot(base, base + "-other:live", null).startTarget(base)).isEmpty();
        assertThat(snapshot(base, null, "arn:aws:states:us-east-1:123456789012:stateMachine:team-b:1").startTarget(base)).isEmpty();
        assertThat(snapshot("arn:aws:states:us-east-1:123456789012:stateMachine:team-b", null, null).startTarget(base)).isEmpty();
        assertThat(snapshot(base, base + ":", null).startTarget(base)).isEmpty();
    }

    private static ExecutionSnapshot snapshot(String machine, String alias, String version) {
        return new ExecutionSnapshot("FAILED", "{}", 0, RedriveStatus.NOT_REDRIVABLE, machine, alias, version);
    }
}
