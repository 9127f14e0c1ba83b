package dev.stepconnect.guardian;

import dev.stepconnect.metrics.Metrics;
import java.util.Map;

/** The guardian's EMF metrics (interface.md): dimension {@code Connection}, the raw connection name. */
final class GuardianMetrics {
    static final String HEALTHY = "ConnectionHealthy";
    static final String HEALED = "ConnectionHealed";
    static final String HEAL_FAILED = "ConnectionHealFailed";
    static final String REFUSED = "CredentialRefused";
    static final String SYNCED = "CredentialSynced";
    static final String ROTATION_STALE = "RotationStale";
    /** Events acknowledged without work (dimension {@code Reason}: unrecognized, unmanaged). */
    static final String EVENTS_IGNORED = "GuardianEventsIgnored";

    private final Metrics metrics;

    GuardianMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    void healthy(String connection, boolean healthy) {
        metrics.emit(Map.of("Connection", connection), new Metrics.Metric(HEALTHY, healthy ? 1 : 0, "Count"));
    }

    void count(String metric, String connection) {
        metrics.emit(Map.of("Connection", connection), Metrics.Metric.count(metric));
    }

    void ignored(String reason) {
        metrics.emit(Map.of("Reason", reason), Metrics.Metric.count(EVENTS_IGNORED));
    }
}
