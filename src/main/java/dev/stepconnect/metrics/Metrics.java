package dev.stepconnect.metrics;

import dev.stepconnect.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes CloudWatch Embedded Metric Format lines: metrics cost a log line, not an API call.
 * Each {@link #emit} prints one self-contained EMF document:
 * {@code {"_aws":{"Timestamp":ms,"CloudWatchMetrics":[{"Namespace":..,"Dimensions":[[..]],"Metrics":[{"Name":..,"Unit":..}]}]},
 * "<dimension>":"<value>", "<metric>":<value>}}.
 */
public final class Metrics {
    /** CloudWatch limits: 30 dimensions a set, 100 metrics a document. */
    static final int MAX_DIMENSIONS = 30;
    static final int MAX_METRICS = 100;

    private final String namespace;
    private final Clock clock;

    public Metrics(String namespace, Clock clock) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("metrics namespace must not be blank");
        }
        this.namespace = namespace;
        this.clock = clock;
    }

    public Metrics(String namespace) {
        this(namespace, Clock.systemUTC());
    }

    public String namespace() {
        return namespace;
    }

    /** A metric value with its CloudWatch unit (Count, Seconds, Milliseconds, None...). */
    public record Metric(String name, double value, String unit) {
        public static Metric count(String name) {
            return new Metric(name, 1, "Count");
        }

    }

    /** Prints one EMF line with the given dimensions (keep them low-cardinality) and metrics. */
    public void emit(Map<String, String> dimensions, List<Metric> metrics) {
        System.out.println(format(dimensions, metrics));
    }

    public void emit(Map<String, String> dimensions, Metric... metrics) {
        emit(dimensions, List.of(metrics));
    }

    /**
     * Prints one EMF line whose metrics CloudWatch records once per dimension set: each set names keys of
     * {@code dimensions} (the values). One line, one value, several series, e.g. {@code [StateMachine]}
     * and {@code [StateMachine, WorkflowType]} (EMF specification, "Dimensions": an array of dimension sets).
     */
    public void emit(Map<String, String> dimensions, List<List<String>> dimensionSets, List<Metric> metrics) {
        System.out.println(format(dimensions, dimensionSets, metrics));
    }

    String format(Map<String, String> dimensions, List<Metric> metrics) {
        return format(dimensions, List.of(new ArrayList<>(dimensions.keySet())), metrics);
    }

    String format(Map<String, String> dimensions, List<List<String>> dimensionSets, List<Metric> metrics) {
        if (metrics.isEmpty() || metrics.size() > MAX_METRICS) {
            throw new IllegalArgumentException("an EMF document holds 1 to " + MAX_METRICS + " metrics");
        }
        for (List<String> set : dimensionSets) {
            if (set.size() > MAX_DIMENSIONS) {
                throw new IllegalArgumentException("an EMF dimension set holds at most " + MAX_DIMENSIONS + " dimensions");
            }
            if (!dimensions.keySet().containsAll(set)) {
                throw new IllegalArgumentException("a dimension set names a dimension without a value");
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        List<Map<String, Object>> definitions = new ArrayList<>();
        for (Metric metric : metrics) {
            Map<String, Object> definition = new LinkedHashMap<>();
            definition.put("Name", metric.name());
            definition.put("Unit", metric.unit());
            definitions.add(definition);
        }
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", namespace);
        directive.put("Dimensions", dimensionSets.stream().map(set -> (Object) new ArrayList<>(set)).toList());
        directive.put("Metrics", definitions);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", clock.millis());
        aws.put("CloudWatchMetrics", List.of(directive));
        root.put("_aws", aws);
        // Dimension values must be non-empty ASCII strings, else CloudWatch drops the whole document.
        dimensions.forEach((name, value) -> root.put(name, dimensionValue(value)));
        for (Metric metric : metrics) {
            root.put(metric.name(), metric.value());
        }
        return Json.write(root);
    }

    private static String dimensionValue(String value) {
        return DimensionValues.of(value);
    }
}
