package dev.stepconnect.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.metrics.Metrics.Metric;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact Embedded Metric Format shape: CloudWatch drops malformed documents silently. */
class MetricsTest {
    private final Metrics metrics = new Metrics("StepConnect",
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void writesTheEmfDirectiveAndTopLevelValues() {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("StateMachine", "orders");
        dimensions.put("ErrorClass", "THROTTLED");
        String line = metrics.format(dimensions, List.of(Metric.count("Failures"), new Metric("RetryDelay", 42, "Seconds")));

        JsonObject root = Json.parseObject(line);
        JsonObject aws = root.requiredObject("_aws");
        assertThat(aws.number("Timestamp")).contains(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
        List<?> directives = (List<?>) aws.raw("CloudWatchMetrics");
        assertThat(directives).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> directive = (Map<String, Object>) directives.get(0);
        assertThat(directive).containsEntry("Namespace", "StepConnect");
        assertThat(directive.get("Dimensions")).isEqualTo(List.of(List.of("StateMachine", "ErrorClass")));
        assertThat(directive.get("Metrics")).isEqualTo(List.of(
                Map.of("Name", "Failures", "Unit", "Count"),
                Map.of("Name", "RetryDelay", "Unit", "Seconds")));
        assertThat(root.raw("StateMachine")).isEqualTo("orders");
        assertThat(root.raw("ErrorClass")).isEqualTo("THROTTLED");
        assertThat(((Number) root.raw("Failures")).doubleValue()).isEqualTo(1.0);
        assertThat(((Number) root.raw("RetryDelay")).doubleValue()).isEqualTo(42.0);
        assertThat(line).doesNotContain("\n");
    }

    @Test
    void everyDimensionNamedInTheDirectiveHasAStringValue() {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("StateMachine", "");
        String line = metrics.format(dimensions, List.of(Metric.count("Failures")));
        assertThat(Json.parseObject(line).raw("StateMachine")).isEqualTo("unknown");
    }

    @Test
    void enforcesCloudWatchLimits() {
        List<Metric> tooMany = new ArrayList<>();
        for (int i = 0; i <= Metrics.MAX_METRICS; i++) {
            tooMany.add(Metric.count("m" + i));
        }
        assertThatThrownBy(() -> metrics.format(Map.of(), tooMany)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.format(Map.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        Map<String, String> dims = new LinkedHashMap<>();
        for (int i = 0; i <= Metrics.MAX_DIMENSIONS; i++) {
            dims.put("d" + i, "v");
        }
        assertThatThrownBy(() -> metrics.format(dims, List.of(Metric.count("m")))).isInstanceOf(IllegalArgumentException.class);
    }
}
