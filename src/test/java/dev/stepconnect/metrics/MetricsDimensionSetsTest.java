package dev.stepconnect.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.metrics.Metrics.Metric;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One EMF line, several dimension sets: CloudWatch records the value once per set. */
class MetricsDimensionSetsTest {
    private final Metrics metrics = new Metrics("StepConnect",
            Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void declaresEachSetOverTheSameTopLevelValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("StateMachine", "orders");
        values.put("WorkflowType", "EXPRESS");
        String line = metrics.format(values, List.of(List.of("StateMachine"), List.of("StateMachine", "WorkflowType")),
                List.of(Metric.count("Failures")));

        JsonObject root = Json.parseObject(line);
        @SuppressWarnings("unchecked")
        Map<String, Object> directive = ((List<Map<String, Object>>) root.requiredObject("_aws").raw("CloudWatchMetrics")).get(0);
        assertThat(directive.get("Dimensions")).isEqualTo(List.of(List.of("StateMachine"), List.of("StateMachine", "WorkflowType")));
        assertThat(root.raw("StateMachine")).isEqualTo("orders");
        assertThat(root.raw("WorkflowType")).isEqualTo("EXPRESS");
        assertThat(((Number) root.raw("Failures")).doubleValue()).isEqualTo(1.0);
    }

    @Test
    void aSetMayOnlyNameDimensionsThatHaveAValue() {
        assertThatThrownBy(() -> metrics.format(Map.of("StateMachine", "orders"),
                List.of(List.of("StateMachine", "WorkflowType")), List.of(Metric.count("Failures"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
