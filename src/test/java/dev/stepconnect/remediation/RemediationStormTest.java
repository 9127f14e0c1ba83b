package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.itemFailures;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sqsBatch;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partner outage fails 500 executions of one state machine: retries stay within the budget, the
 * rest are counted as skipped for budget and the failure alarm is in place.
 * DescribeExecution is answered by the stub here: the emulator cannot run 500 executions quickly, and
 * what is under test is the budget, not the execution.
 */
@ExtendWith(AwsEmulator.class)
class RemediationStormTest {
    private static final int EVENTS = 500;
    private static final int BUDGET = 5;
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();
    private String machine;

    @BeforeEach
    void setUp() {
        machine = fixture.createOptedInStateMachine();
        fixture.sfnStub.succeed("DescribeExecution", """
                {"executionArn":"arn:aws:states:us-east-1:123456789012:execution:x:y","stateMachineArn":"%s",
                 "name":"y","status":"FAILED","startDate":1764050000.0,"stopDate":1764050060.0,"input":"{}",
                 "error":"States.Http.StatusCode.503","redriveCount":0,"redriveStatus":"REDRIVABLE"}""".formatted(machine));
    }

    @Test
    void delayedRetriesAreBoundedAcrossContainersByPendingSchedules() {
        // Two containers (MaximumConcurrency 2) each with a full local bucket: the global bound decides.
        List<RemediationHandler> containers = List.of(fixture.delayedHandler(BUDGET), fixture.delayedHandler(BUDGET));
        List<String> lines = storm(containers);

        assertThat(fixture.schedules()).hasSize(BUDGET);
        assertBudgetMetrics(lines, BUDGET);
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).hasSizeLessThanOrEqualTo(containers.size()).isNotEmpty();
    }

    @Test
    void immediateRetriesAreBoundedByTheContainersBucket() {
        List<String> lines = storm(List.of(fixture.immediateHandler(BUDGET)));

        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(BUDGET);
        assertBudgetMetrics(lines, BUDGET);
        // One container, one state machine: one alarm call and one tag lookup for 500 events.
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).hasSize(1);
        assertThat(fixture.sfnStub.requests("ListTagsForResource")).hasSize(1);
    }

    private List<String> storm(List<RemediationHandler> containers) {
        try (CapturedOutput output = CapturedOutput.start()) {
            for (int batch = 0; batch < EVENTS / 10; batch++) {
                List<Map.Entry<String, String>> messages = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int n = batch * 10 + i;
                    messages.add(Map.entry("m-" + n, Json.write(event(n))));
                }
                JsonObject response = invoke(containers.get(batch % containers.size()), sqsBatch(messages));
                assertThat(itemFailures(response)).isEmpty();
            }
            return output.lines();
        }
    }

    private void assertBudgetMetrics(List<String> lines, int retried) {
        List<JsonObject> metrics = emf(lines);
        String name = machineName(machine);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name))).isEqualTo(EVENTS);
        double retries = sum(metrics, "RetriesScheduled", Map.of("StateMachine", name, "ErrorClass", "ServiceError"))
                + sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "ServiceError"));
        assertThat(retries).isEqualTo(retried);
        assertThat(sum(metrics, "RetriesSkipped", Map.of("StateMachine", name, "Reason", "Budget"))).isEqualTo(EVENTS - retried);
        assertThat(sum(metrics, "RetryBudgetExhausted", Map.of("StateMachine", name))).isEqualTo(EVENTS - retried);
    }

    private Map<String, Object> event(int n) {
        Map<String, Object> detail = new LinkedHashMap<>();
        String executionName = "outage-" + n;
        detail.put("executionArn", machine.replace(":stateMachine:", ":execution:") + ":" + executionName);
        detail.put("stateMachineArn", machine);
        detail.put("name", executionName);
        detail.put("status", "FAILED");
        detail.put("error", "States.Http.StatusCode.503");
        detail.put("cause", "Service Unavailable");
        detail.put("input", "{}");
        detail.put("redriveCount", 0);
        detail.put("redriveStatus", "REDRIVABLE");
        return Map.of("detail-type", "Step Functions Execution Status Change", "source", "aws.states", "detail", detail);
    }
}
