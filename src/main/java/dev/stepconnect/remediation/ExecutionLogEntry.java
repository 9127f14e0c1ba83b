package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * One Step Functions execution log record, the message of a log event in a state machine's log group
 * (Step Functions Developer Guide, "Log levels for Step Functions" / "Using CloudWatch Logs to log execution
 * history"): {@code {"id", "type", "details", "previous_event_id", "event_timestamp", "execution_arn",
 * "redrive_count"}}, numbers as strings. {@code details} of {@code ExecutionStarted} carries
 * {@code input} and {@code inputDetails.truncated} only when the state machine logs at level ALL with
 * {@code includeExecutionData}; input over 248 KB is truncated. Failure types carry {@code error}/{@code cause}.
 *
 * @param input the execution input when {@link #inputState} is {@link InputState#INCLUDED}, else null
 */
public record ExecutionLogEntry(String type, String executionArn, String error, String cause, String input,
                                InputState inputState) {

    public static final String EXECUTION_STARTED = "ExecutionStarted";
    /** The execution-level failures; every other type (task, state and success events) is not one. */
    public static final Map<String, String> FAILURE_STATUS = Map.of(
            "ExecutionFailed", "FAILED",
            "ExecutionTimedOut", "TIMED_OUT",
            "ExecutionAborted", "ABORTED");
    private static final Set<String> WANTED = Set.of(EXECUTION_STARTED, "ExecutionFailed", "ExecutionTimedOut",
            "ExecutionAborted");

    /** Whether the logged input can start a faithful new execution. */
    public enum InputState { INCLUDED, ABSENT, TRUNCATED }

    /**
     * Parses a log message. Not a Step Functions record (no {@code type} or {@code execution_arn}, not
     * JSON) is an {@link InvalidEventException} naming the problem, never the content.
     */
    public static ExecutionLogEntry parse(String message) {
        JsonObject record;
        try {
            record = Json.parseObject(message);
        } catch (JsonException e) {
            throw new InvalidEventException("log message is not a JSON object");
        }
        try {
            String type = record.requiredString("type");
            String executionArn = record.requiredString("execution_arn");
            if (!WANTED.contains(type)) {
                return new ExecutionLogEntry(type, executionArn, null, null, null, InputState.ABSENT);
            }
            JsonObject details = record.object("details").orElse(null);
            if (details == null) {
                return new ExecutionLogEntry(type, executionArn, null, null, null, InputState.ABSENT);
            }
            if (EXECUTION_STARTED.equals(type)) {
                boolean truncated = details.object("inputDetails")
                        .map(d -> Boolean.TRUE.equals(d.raw("truncated")) || "true".equals(d.raw("truncated")))
                        .orElse(false);
                Object input = details.raw("input");
                InputState state = truncated ? InputState.TRUNCATED
                        : input instanceof String ? InputState.INCLUDED : InputState.ABSENT;
                return new ExecutionLogEntry(type, executionArn, null, null,
                        state == InputState.INCLUDED ? (String) input : null, state);
            }
            return new ExecutionLogEntry(type, executionArn, details.string("error").orElse(null),
                    details.string("cause").orElse(null), null, InputState.ABSENT);
        } catch (JsonException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }

    public boolean isFailure() {
        return FAILURE_STATUS.containsKey(type);
    }

    public boolean isStarted() {
        return EXECUTION_STARTED.equals(type);
    }

    /** The failure's status as in a status change event: FAILED, TIMED_OUT or ABORTED. */
    public String status() {
        return FAILURE_STATUS.get(type);
    }

    @Override
    public String toString() {
        // Never print the input, not even by accident in a debugger or an assertion message.
        return "ExecutionLogEntry[type=" + type + ", executionArn=" + executionArn + ", inputState=" + inputState + "]";
    }
}
