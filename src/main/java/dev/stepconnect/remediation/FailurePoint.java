package dev.stepconnect.remediation;

import java.util.List;
import java.util.Set;

/**
 * Where an execution failed, read from the newest page of its history (GetExecutionHistory with
 * {@code reverseOrder=true}). RedriveExecution "restarts from the unsuccessful step" and never re-runs steps
 * that succeeded (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): when that
 * step is a {@code Fail} state ({@code FailStateEntered} just before {@code ExecutionFailed}, the usual
 * {@code Catch} → {@code Fail} pattern) a redrive fails again at once without calling anything.
 * <p>
 * {@code state} and {@code stateType} may be null: the page may not reach the failed state's
 * {@code ...StateEntered} event (a Task with many retries). {@code unreadableReason} is set when the history
 * could not be read at all (AccessDenied, throttling past the SDK's retries).
 *
 * @param failState the execution ended in a {@code Fail} state
 */
public record FailurePoint(String state, String stateType, boolean failState, String unreadableReason) {

    /** One history event: its type ({@code TaskFailed}, {@code FailStateEntered}...) and, for a state entered, the state's name. */
    public record HistoryEntry(String type, String stateName) {
    }

    private static final Set<String> END_EVENTS = Set.of("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted");
    private static final String ENTERED = "StateEntered";

    public static FailurePoint unreadable(String reason) {
        return new FailurePoint(null, null, false, reason);
    }

    public boolean readable() {
        return unreadableReason == null;
    }

    /** Reads the failure point from history events, newest first. */
    public static FailurePoint read(List<HistoryEntry> newestFirst) {
        int end = -1;
        for (int i = 0; i < newestFirst.size(); i++) {
            if (END_EVENTS.contains(newestFirst.get(i).type())) {
                end = i;
                break;
            }
        }
        if (end < 0 || end + 1 >= newestFirst.size()) {
            return new FailurePoint(null, null, false, null);
        }
        HistoryEntry last = newestFirst.get(end + 1);
        if (("Fail" + ENTERED).equals(last.type())) {
            return new FailurePoint(last.stateName(), "Fail", true, null);
        }
        String type = stateTypeOfFailure(last.type());
        for (int i = end + 1; i < newestFirst.size(); i++) {
            HistoryEntry entry = newestFirst.get(i);
            if (entry.type().endsWith(ENTERED) && (type == null || entry.type().equals(type + ENTERED))) {
                return new FailurePoint(entry.stateName(), entry.type().substring(0, entry.type().length() - ENTERED.length()),
                        false, null);
            }
        }
        return new FailurePoint(null, type, false, null);
    }

    /** The state type whose failure the event reports (TaskFailed → Task, MapStateFailed → Map...); null when it says none. */
    private static String stateTypeOfFailure(String eventType) {
        if (eventType.startsWith("MapState") || eventType.startsWith("MapRun") || eventType.startsWith("MapIteration")) {
            return "Map";
        }
        if (eventType.startsWith("ParallelState")) {
            return "Parallel";
        }
        if (eventType.startsWith("Task") || eventType.startsWith("LambdaFunction") || eventType.startsWith("Activity")) {
            return "Task";
        }
        return null;
    }
}
