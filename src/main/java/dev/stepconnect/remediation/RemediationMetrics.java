package dev.stepconnect.remediation;

import dev.stepconnect.metrics.Metrics;
import dev.stepconnect.metrics.Metrics.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EMF metrics of this feature. Dimensions are low-cardinality only: StateMachine (name), ErrorClass,
 * Reason, Mode; never an execution ARN. Failures is also written with StateMachine alone, the series the
 * per-state-machine alarm watches. RetriesStarted / RetriesScheduled are written with {StateMachine,
 * ErrorClass} and again with {StateMachine, ErrorClass, Mode} (redrive / restart), so queries over the
 * first set keep matching. Every document also declares the same set plus WorkflowType
 * (STANDARD/EXPRESS): one more series for the dashboard, while the series the alarm and the existing
 * dashboard watch keep counting both kinds. Values pass through {@link dev.stepconnect.metrics.DimensionValues}
 * in the writer.
 */
final class RemediationMetrics {
    static final String STATE_MACHINE = "StateMachine";
    static final String ERROR_CLASS = "ErrorClass";
    static final String REASON = "Reason";
    static final String MODE = "Mode";
    static final String WORKFLOW_TYPE = "WorkflowType";
    static final String FAILURES = "Failures";
    static final String RETRIES_SCHEDULED = "RetriesScheduled";
    static final String RETRIES_STARTED = "RetriesStarted";
    static final String RETRIES_SKIPPED = "RetriesSkipped";
    static final String ATTEMPTS_EXHAUSTED = "AttemptsExhausted";
    static final String RETRY_BUDGET_EXHAUSTED = "RetryBudgetExhausted";

    private final Metrics metrics;

    RemediationMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    void record(String stateMachine, Outcome outcome) {
        record(stateMachine, WorkflowType.STANDARD, outcome);
    }

    void record(String stateMachine, WorkflowType workflowType, Outcome outcome) {
        if (outcome.kind() == Outcome.Kind.ALREADY_RETRIED || outcome.kind() == Outcome.Kind.NOT_A_FAILURE) {
            return;
        }
        RetryDecision decision = outcome.decision();
        RetryDecision.SkipReason reason = decision == null ? null : decision.skipReason();

        List<Metric> perMachine = new ArrayList<>(List.of(Metric.count(FAILURES)));
        if (reason == RetryDecision.SkipReason.BUDGET) {
            perMachine.add(Metric.count(RETRY_BUDGET_EXHAUSTED));
        }
        emit(Map.of(STATE_MACHINE, stateMachine), workflowType, perMachine);

        Map<String, String> byClass = new LinkedHashMap<>();
        byClass.put(STATE_MACHINE, stateMachine);
        byClass.put(ERROR_CLASS, outcome.classification().errorClass().dimension());
        List<Metric> perClass = new ArrayList<>(List.of(Metric.count(FAILURES)));
        switch (outcome.kind()) {
            case RETRY_STARTED -> perClass.add(Metric.count(RETRIES_STARTED));
            case RETRY_SCHEDULED -> perClass.add(Metric.count(RETRIES_SCHEDULED));
            default -> {
                if (reason == RetryDecision.SkipReason.ATTEMPTS_EXHAUSTED) {
                    perClass.add(Metric.count(ATTEMPTS_EXHAUSTED));
                }
            }
        }
        emit(byClass, workflowType, perClass);

        if (outcome.retried() && outcome.route() != null) {
            Map<String, String> byMode = new LinkedHashMap<>(byClass);
            byMode.put(MODE, outcome.route().way().dimension());
            metrics.emit(byMode, Metric.count(outcome.kind() == Outcome.Kind.RETRY_STARTED ? RETRIES_STARTED : RETRIES_SCHEDULED));
        }

        if (outcome.kind() == Outcome.Kind.SKIPPED && reason != null) {
            Map<String, String> byReason = new LinkedHashMap<>();
            byReason.put(STATE_MACHINE, stateMachine);
            byReason.put(REASON, reason.dimension());
            emit(byReason, workflowType, List.of(Metric.count(RETRIES_SKIPPED)));
        }
    }

    /**
     * Retries counted in bulk (the sweep writes one set per state machine and run): the same series
     * {@link #record} writes for each retry — RetriesStarted / RetriesScheduled over {StateMachine, ErrorClass}
     * (and with WorkflowType) and over {StateMachine, ErrorClass, Mode} — without counting Failures again.
     */
    void retries(String stateMachine, WorkflowType workflowType, String errorClass, RetryRoute.Way way,
                 int started, int scheduled) {
        List<Metric> values = new ArrayList<>();
        if (started > 0) {
            values.add(new Metric(RETRIES_STARTED, started, "Count"));
        }
        if (scheduled > 0) {
            values.add(new Metric(RETRIES_SCHEDULED, scheduled, "Count"));
        }
        if (values.isEmpty()) {
            return;
        }
        Map<String, String> byClass = new LinkedHashMap<>();
        byClass.put(STATE_MACHINE, stateMachine);
        byClass.put(ERROR_CLASS, errorClass);
        emit(byClass, workflowType, values);
        if (way != null) {
            Map<String, String> byMode = new LinkedHashMap<>(byClass);
            byMode.put(MODE, way.dimension());
            metrics.emit(byMode, values);
        }
    }

    /** One EMF line: the dimension set as before, and the same set plus WorkflowType. */
    private void emit(Map<String, String> dimensions, WorkflowType workflowType, List<Metric> values) {
        Map<String, String> withType = new LinkedHashMap<>(dimensions);
        withType.put(WORKFLOW_TYPE, workflowType.dimension());
        List<String> base = new ArrayList<>(dimensions.keySet());
        List<String> typed = new ArrayList<>(base);
        typed.add(WORKFLOW_TYPE);
        metrics.emit(withType, List.of(base, typed), values);
    }
}
