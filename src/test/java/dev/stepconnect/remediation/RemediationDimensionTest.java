package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.metrics.DimensionValues;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * State machine names CloudWatch would refuse as dimension values (accents, emoji) or that are long: the EMF
 * lines and the PutMetricAlarm request carry the same valid value, and distinct names stay distinct.
 */
@ExtendWith(AwsEmulator.class)
class RemediationDimensionTest {
    private static final String ASCII = "[\\x20-\\x7e]{1,1024}";

    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    @Test
    void metricAndAlarmAgreeOnAValidValue() {
        List<String> names = List.of("commandes-été", "commandes-ete", "orders-😀", "x".repeat(80),
                "é".repeat(40) + "-" + "z".repeat(39));
        RemediationHandler handler = fixture.immediateHandler(20);
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            for (String name : names) {
                // Not retryable: nothing but the alarm and the metrics touches AWS.
                invoke(handler, Json.write(event(name)));
            }
            lines = output.lines();
        }

        List<JsonObject> documents = emf(lines);
        List<Map<String, Object>> alarms = fixture.cloudWatch.putMetricAlarmRequests();
        assertThat(alarms).hasSize(names.size());
        Set<String> values = new HashSet<>();
        for (String name : names) {
            String value = DimensionValues.of(name);
            assertThat(value).matches(ASCII);
            values.add(value);
            assertThat(documents).filteredOn(d -> value.equals(d.raw("StateMachine"))).as(name).hasSize(3);
            String alarmName = "stepconnect-" + value + "-failures";
            assertThat(alarmName).hasSizeLessThanOrEqualTo(255).matches(ASCII);
            assertThat(alarms).filteredOn(a -> alarmName.equals(a.get("AlarmName"))).as(name).singleElement()
                    .satisfies(a -> assertThat(a.get("Dimensions"))
                            .isEqualTo(List.of(Map.of("Name", "StateMachine", "Value", value))));
        }
        assertThat(values).hasSize(names.size());
        assertThat(DimensionValues.of("x".repeat(80))).isEqualTo("x".repeat(80));
        // Every dimension value of every EMF line is valid.
        for (JsonObject doc : documents) {
            for (String dimension : List.of("StateMachine", "ErrorClass", "Reason")) {
                if (doc.raw(dimension) != null) {
                    assertThat(String.valueOf(doc.raw(dimension))).matches(ASCII);
                }
            }
        }
    }

    private static Map<String, Object> event(String machineName) {
        String machineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:" + machineName;
        String executionArn = "arn:aws:states:us-east-1:123456789012:execution:" + machineName + ":run-1";
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("executionArn", executionArn);
        detail.put("stateMachineArn", machineArn);
        detail.put("name", "run-1");
        detail.put("status", "FAILED");
        detail.put("error", "States.Runtime");
        detail.put("cause", "An error occurred while executing the state.");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("source", "aws.states");
        event.put("detail-type", "Step Functions Execution Status Change");
        event.put("detail", detail);
        return event;
    }
}
