package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;

/**
 * The parts of an EventBridge "Step Functions Execution Status Change" event this feature uses.
 * aws-lambda-java-events has no type for it. {@code input}, {@code error} and {@code cause} may be null
 * (input is left out when {@code inputDetails.included} is false).
 */
public record FailureEvent(
        String executionArn,
        String stateMachineArn,
        String executionName,
        String status,
        String error,
        String cause,
        String input,
        int redriveCount,
        RedriveStatus redriveStatus,
        String stateMachineAliasArn,
        String stateMachineVersionArn) {

    static final String DETAIL_TYPE = "Step Functions Execution Status Change";

    /** Parses an event document; anything unusable is an {@link InvalidEventException} naming the problem. */
    public static FailureEvent parse(String json) {
        JsonObject event;
        try {
            event = Json.parseObject(json);
        } catch (JsonException e) {
            // The parser's message can quote the document; say only what is wrong with it.
            throw new InvalidEventException("body is not a JSON object");
        }
        return fromEvent(event);
    }

    static FailureEvent fromEvent(JsonObject event) {
        try {
            String detailType = event.string("detail-type").orElse("");
            if (!DETAIL_TYPE.equals(detailType)) {
                throw new InvalidEventException("not a '" + DETAIL_TYPE + "' event");
            }
            JsonObject detail = event.requiredObject("detail");
            String executionArn = detail.requiredString("executionArn");
            String stateMachineArn = detail.requiredString("stateMachineArn");
            long redriveCount = detail.number("redriveCount").orElse(0L);
            if (redriveCount < 0 || redriveCount > Integer.MAX_VALUE) {
                throw new InvalidEventException("field 'redriveCount' is out of range");
            }
            return new FailureEvent(
                    executionArn,
                    stateMachineArn,
                    detail.string("name").filter(s -> !s.isBlank()).orElseGet(() -> lastArnSegment(executionArn)),
                    detail.requiredString("status"),
                    detail.string("error").orElse(null),
                    detail.string("cause").orElse(null),
                    detail.string("input").orElse(null),
                    (int) redriveCount,
                    RedriveStatus.parse(detail.string("redriveStatus").orElse(null)),
                    detail.string("stateMachineAliasArn").orElse(null),
                    detail.string("stateMachineVersionArn").orElse(null));
        } catch (JsonException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }

    /**
     * The state machine's name: the 7th field of {@code arn:aws:states:region:account:stateMachine:name[:qualifier]},
     * without the {@code /<map run label>} a Distributed Map child's labelled ARN carries (one label per
     * Map Run would make an unbounded metric dimension and an alarm per run).
     */
    public String stateMachineName() {
        String[] parts = stateMachineArn.split(":");
        return parts.length > 6 && !parts[6].isBlank() ? withoutMapRunLabel(parts[6]) : stateMachineArn;
    }

    /** The unqualified state machine ARN (no version, alias or Map Run label): what tags and alarms belong to. */
    public String baseStateMachineArn() {
        String[] parts = stateMachineArn.split(":");
        if (parts.length <= 6) {
            return stateMachineArn;
        }
        String[] base = java.util.Arrays.copyOf(parts, 7);
        base[6] = withoutMapRunLabel(base[6]);
        return String.join(":", base);
    }

    /**
     * A child workflow execution of a Distributed Map. Retrying it alone would run its item twice: the
     * parent execution fails too, and redriving the parent redrives the Map Run's failed children.
     */
    public boolean mapRunChild() {
        String[] parts = stateMachineArn.split(":");
        return redriveStatus == RedriveStatus.REDRIVABLE_BY_MAP_RUN || (parts.length > 6 && parts[6].contains("/"));
    }

    private static String withoutMapRunLabel(String name) {
        int slash = name.indexOf('/');
        return slash > 0 ? name.substring(0, slash) : name;
    }

    /** Where a new execution goes: the alias the failed run came through, else its version, else the machine. */
    public String startTargetArn() {
        if (stateMachineAliasArn != null && !stateMachineAliasArn.isBlank()) {
            return stateMachineAliasArn;
        }
        if (stateMachineVersionArn != null && !stateMachineVersionArn.isBlank()) {
            return stateMachineVersionArn;
        }
        return stateMachineArn;
    }

    /** One failure of one run: EventBridge duplicates share it, a redriven run that fails again does not. */
    public String dedupeKey() {
        return executionArn + "#" + redriveCount + "#" + status;
    }

    private static String lastArnSegment(String arn) {
        int colon = arn.lastIndexOf(':');
        return colon >= 0 ? arn.substring(colon + 1) : arn;
    }
}
