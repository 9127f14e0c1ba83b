package dev.stepconnect.rotation;

import dev.stepconnect.metrics.Metrics;
import java.util.List;
import java.util.Map;

/** The rotation's EMF metrics, one document per linked connection (dimension {@code Connection}). */
final class RotationMetrics {
    static final String STARTED = "RotationStarted";
    static final String SUCCEEDED = "RotationSucceeded";
    static final String FAILED = "RotationFailed";
    static final String ROLLED_BACK = "RotationRolledBack";

    private final Metrics metrics;

    RotationMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    void count(String metric, List<String> connections) {
        List<String> names = connections.isEmpty() ? List.of("unknown") : connections;
        for (String connection : names) {
            metrics.emit(Map.of("Connection", connection), Metrics.Metric.count(metric));
        }
    }
}
