package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.itemFailures;
import static dev.stepconnect.remediation.RemediationFixture.logs;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sqsBatch;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static dev.stepconnect.remediation.RemediationFixture.withDetail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/**
 * Remediation acts only on AWS's record (issue #10.4): a message's source is checked, and the state machine,
 * alias or version and input of a retry come from the execution ARN and DescribeExecution, never from what
 * the message claims. A forged message comes from a second "team" with its own state machine.
 */
@ExtendWith(AwsEmulator.class)
class RemediationTrustTest {
    private static final String MARKER = "forged-7f3a";

    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    @Test
    void onlyStepFunctionsEventsAreAcceptedAndOthersAreLoggedWithoutTheirBody() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        Map<String, Object> forged = new LinkedHashMap<>(withDetail(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true),
                "input", "{\"note\":\"" + MARKER + "\"}"));
        forged.put("source", "team-b.app");
        Map<String, Object> noSource = new LinkedHashMap<>(forged);
        noSource.remove("source");

        JsonObject response;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(fixture.immediateHandler(20), sqsBatch(List.of(Map.entry("forged", Json.write(forged)),
                    Map.entry("no-source", Json.write(noSource)))));
            lines = output.lines();
        }

        assertThat(itemFailures(response)).containsExactlyInAnyOrder("forged", "no-source");
        assertThat(String.join("\n", lines)).doesNotContain(MARKER);
        assertThat(logs(lines, "invalid message; reported as a batch item failure"))
                .extracting(l -> l.raw("messageId")).containsExactlyInAnyOrder("forged", "no-source");
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        assertThatThrownBy(() -> invoke(fixture.immediateHandler(20), Json.write(forged)))
                .isInstanceOf(InvalidEventException.class).hasMessageNotContaining(MARKER);
    }

    @Test
    void theMessagesStateMachineAliasAndInputAreIgnored() {
        String teamA = fixture.createOptedInStateMachine();
        String teamB = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(teamA, "{\"order\":31}");
        Map<String, Object> event = eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", false);
        event = withDetail(event, "stateMachineArn", teamB);
        event = withDetail(event, "stateMachineAliasArn", teamB + ":prod");
        event = withDetail(event, "input", "{\"note\":\"" + MARKER + "\"}");

        JsonObject response = invoke(fixture.immediateHandler(20), Json.write(event));

        assertThat(response.string("outcome")).contains("RETRY_STARTED");
        assertThat(fixture.retryExecutions(teamB)).isEmpty();
        var retries = fixture.retryExecutions(teamA);
        assertThat(retries).hasSize(1);
        String input = fixture.emulatorSfn.describeExecution(r -> r.executionArn(retries.get(0).executionArn())).input();
        assertThat(Json.parseObject(input).asMap()).isEqualTo(Map.of("order", 31));
        JsonObject start = Json.parseObject(fixture.sfnStub.requests("StartExecution").get(0).getBodyAsString());
        assertThat(start.string("stateMachineArn")).contains(teamA);
    }

    @Test
    void optInIsCheckedOnTheExecutionsOwnStateMachine() {
        String optedIn = fixture.createOptedInStateMachine();
        String untagged = fixture.createStateMachine("team-b", Map.of());
        DescribeExecutionResponse failed = fixture.failedExecution(untagged, "{}");
        // The message claims the opted-in state machine; the execution ARN says otherwise.
        Map<String, Object> event = withDetail(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true),
                "stateMachineArn", optedIn);

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(fixture.immediateHandler(20), Json.write(event));
            lines = output.lines();
        }

        assertThat(response.string("skipReason")).contains("NotOptedIn");
        assertThat(fixture.retryExecutions(untagged)).isEmpty();
        assertThat(fixture.retryExecutions(optedIn)).isEmpty();
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", machineName(untagged)))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", machineName(optedIn)))).isZero();
    }

    @Test
    void aRetryGoesThroughTheAliasAwsRecorded() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":32}");
        fixture.sfnStub.succeed("DescribeExecution", described(failed, machine, machine + ":live"));
        fixture.sfnStub.succeed("StartExecution", "{\"executionArn\":\"" + failed.executionArn() + "-retry\",\"startDate\":1764050000.0}");

        JsonObject response = invoke(fixture.immediateHandler(20),
                Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true)));

        assertThat(response.string("outcome")).contains("RETRY_STARTED");
        JsonObject start = Json.parseObject(fixture.sfnStub.requests("StartExecution").get(0).getBodyAsString());
        assertThat(start.string("stateMachineArn")).contains(machine + ":live");
        assertThat(Json.parseObject(start.requiredString("input")).asMap()).isEqualTo(Map.of("order", 32));
    }

    @Test
    void anAliasOfAnotherStateMachineIsRefused() {
        String machine = fixture.createOptedInStateMachine();
        String other = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        fixture.sfnStub.succeed("DescribeExecution", described(failed, machine, other + ":live"));

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(fixture.immediateHandler(20), Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true)));
            lines = output.lines();
        }

        assertThat(response.string("skipReason")).contains("TargetRefused");
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", machineName(machine), "Reason",
                "TargetRefused"))).isEqualTo(1.0);
    }

    /** DescribeExecution's answer, AWS-shaped, for an execution started through {@code aliasArn}. */
    private static String described(DescribeExecutionResponse execution, String stateMachineArn, String aliasArn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionArn", execution.executionArn());
        body.put("stateMachineArn", stateMachineArn);
        body.put("name", execution.name());
        body.put("status", "FAILED");
        body.put("startDate", execution.startDate().toEpochMilli() / 1000.0);
        body.put("stopDate", execution.stopDate().toEpochMilli() / 1000.0);
        body.put("input", execution.input());
        body.put("inputDetails", Map.of("included", true));
        body.put("stateMachineAliasArn", aliasArn);
        body.put("redriveCount", 0);
        body.put("redriveStatus", "NOT_REDRIVABLE");
        return Json.write(body);
    }
}
