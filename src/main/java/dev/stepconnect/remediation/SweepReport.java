package dev.stepconnect.remediation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one sweep run did: counts per outcome and the first {@value #LISTED_EXECUTIONS} executions with
 * theirs. Holds execution ARNs and error names only, never an execution's input, output or cause.
 */
final class SweepReport {
    static final int LISTED_EXECUTIONS = 50;

    /** The outcome of one execution in a sweep, as the report and the logs name it. */
    enum Result {
        /** A retry (redrive or new execution) was started by this run. */
        RETRIED("retried"),
        /** A delayed retry was scheduled by this run. */
        SCHEDULED("scheduled"),
        /** The event path or an earlier run already retried it (or it is running again). */
        ALREADY_RETRIED("alreadyRetried"),
        /** Decided not to retry; see the reason. */
        SKIPPED("skipped"),
        /** Its error matches none of the filter's patterns. */
        NOT_MATCHED("notMatched"),
        /** Not examined: the run stopped first (its bound, deadline or maxRetries); the next run gets it. */
        LEFT("leftForNextRun"),
        /** An AWS call failed while deciding it; the next run tries again. */
        FAILED("failed");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private final SweepFilter filter;
    private final Map<Result, Integer> counts = new LinkedHashMap<>();
    private final Map<String, Integer> skipped = new TreeMap<>();
    private final List<Map<String, Object>> executions = new ArrayList<>();
    private int found;
    private int examined;
    private int stateMachines;
    private String stoppedBy;

    SweepReport(SweepFilter filter) {
        this.filter = filter;
        for (Result result : Result.values()) {
            counts.put(result, 0);
        }
    }

    void stateMachineSwept() {
        stateMachines++;
    }

    void found() {
        found++;
    }

    /** One DescribeExecution spent on a decision: what STEPCONNECT_SWEEP_MAX_EXECUTIONS bounds. */
    void examined() {
        examined++;
    }

    int foundCount() {
        return found;
    }

    String stoppedBy() {
        return stoppedBy;
    }

    int examinedCount() {
        return examined;
    }

    int retries() {
        return counts.get(Result.RETRIED) + counts.get(Result.SCHEDULED);
    }

    void record(String executionArn, Result result, String reason) {
        counts.merge(result, 1, Integer::sum);
        if (result == Result.SKIPPED && reason != null) {
            skipped.merge(reason, 1, Integer::sum);
        }
        if (executions.size() < LISTED_EXECUTIONS) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("executionArn", executionArn);
            item.put("outcome", result.label());
            if (reason != null) {
                item.put("reason", reason);
            }
            executions.add(item);
        }
    }

    /** A state machine whose executions could not be listed (deleted, AccessDenied, throttled past retries). */
    void listingFailed(String stateMachineArn) {
        counts.merge(Result.FAILED, 1, Integer::sum);
        if (executions.size() < LISTED_EXECUTIONS) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("stateMachineArn", stateMachineArn);
            item.put("outcome", Result.FAILED.label());
            item.put("reason", "ListExecutions");
            executions.add(item);
        }
    }

    /** The run stopped early ({@code maxExecutions}, {@code deadline} or {@code maxRetries}). */
    void stop(String why) {
        if (stoppedBy == null) {
            stoppedBy = why;
        }
    }

    boolean stopped() {
        return stoppedBy != null;
    }

    int count(Result result) {
        return counts.get(result);
    }

    Map<String, Integer> skippedByReason() {
        return new TreeMap<>(skipped);
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.putAll(filter.describe());
        out.put("stateMachines", stateMachines);
        out.put("found", found);
        out.put("examined", examined);
        Map<String, Object> outcomes = new LinkedHashMap<>();
        for (Map.Entry<Result, Integer> entry : counts.entrySet()) {
            if (entry.getKey() == Result.SKIPPED) {
                outcomes.put("skipped", entry.getValue());
                outcomes.put("skippedByReason", new LinkedHashMap<>(skipped));
            } else {
                outcomes.put(entry.getKey().label(), entry.getValue());
            }
        }
        out.put("outcomes", outcomes);
        out.put("complete", stoppedBy == null);
        out.put("stoppedBy", stoppedBy);
        out.put("executions", executions);
        return out;
    }
}
