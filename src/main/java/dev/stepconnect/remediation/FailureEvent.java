package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;

/**
 * One failed execution as the remediation pipeline sees it: the plain record that every source feeds into
 * {@link RemediationService#handle} (EventBridge "Step Functions Execution Status Change" events parsed
 * here; other shapes, such as Express workflows' logs, build it with their own parser).
 * aws-lambda-java-events has no type for the EventBridge event. {@code input}, {@code error} and
 * {@code cause} may be null (input is left out when {@code inputDetails.included} is false).
 * <p>
 * What the record claims is not trusted for what a retry touches: the state machine is the one named by
 * the execution ARN (AWS's naming), and the alias, version and input of a retry come from DescribeExecution
 * ({@link RemediationService#handle}). Express executions cannot be described: their retry is made by
 * {@link ExpressRetries} from their CloudWatch Logs record, never from this record's {@code input}.
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
    static final String SOURCE = "aws.states";
    private static final int ARN_RESOURCE_TYPE = 5;
    private static final int ARN_MACHINE_NAME = 6;

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

    /**
     * Only Step Functions' own events are accepted ({@code source} {@value #SOURCE}, detail-type
     * {@value #DETAIL_TYPE}): anything else in the queue or in a direct invocation is refused, and the
     * message ends in the dead-letter queue where its alarm asks a person to look.
     */
    static FailureEvent fromEvent(JsonObject event) {
        try {
            if (!SOURCE.equals(event.string("source").orElse(""))) {
                throw new InvalidEventException("not an event of source '" + SOURCE + "'");
            }
            String detailType = event.string("detail-type").orElse("");
            if (!DETAIL_TYPE.equals(detailType)) {
                throw new InvalidEventException("not a '" + DETAIL_TYPE + "' event");
            }
            JsonObject detail = event.requiredObject("detail");
            String executionArn = detail.requiredString("executionArn");
            if (!isExecutionArn(executionArn)) {
                throw new InvalidEventException("field 'executionArn' is not a Step Functions execution ARN");
            }
            String stateMachineArn = detail.requiredString("stateMachineArn");
            long redriveCount = detail.number("redriveCount").orElse(0L);
            if (redriveCount < 0 || redriveCount > Integer.MAX_VALUE) {
                throw new InvalidEventException("field 'redriveCount' is out of range");
            }
            return builder(executionArn, stateMachineArn,
                    detail.string("name").filter(s -> !s.isBlank()).orElseGet(() -> lastArnSegment(executionArn)),
                    detail.requiredString("status"))
                    .error(detail.string("error").orElse(null))
                    .cause(detail.string("cause").orElse(null))
                    .input(detail.string("input").orElse(null))
                    .redriveCount((int) redriveCount)
                    .redriveStatus(RedriveStatus.parse(detail.string("redriveStatus").orElse(null)))
                    .stateMachineAliasArn(detail.string("stateMachineAliasArn").orElse(null))
                    .stateMachineVersionArn(detail.string("stateMachineVersionArn").orElse(null))
                    .build();
        } catch (JsonException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }

    /**
     * The state machine's name, from the execution ARN {@code arn:aws:states:region:account:execution:name[/label]:id}
     * (AWS's naming, not the event's claim), without the {@code /<map run label>} a Distributed Map child's ARN
     * carries (one label per Map Run would make an unbounded metric dimension and an alarm per run).
     */
    public String stateMachineName() {
        String[] parts = executionArn.split(":");
        return parts.length > ARN_MACHINE_NAME && !parts[ARN_MACHINE_NAME].isBlank()
                ? withoutMapRunLabel(parts[ARN_MACHINE_NAME]) : executionArn;
    }

    /**
     * The unqualified ARN of the state machine the execution belongs to (no version, alias or Map Run label),
     * derived from the execution ARN: what opt-in tags, alarms and retries belong to.
     */
    public String baseStateMachineArn() {
        String[] parts = executionArn.split(":");
        if (parts.length <= ARN_MACHINE_NAME) {
            return executionArn;
        }
        return String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], "stateMachine",
                withoutMapRunLabel(parts[ARN_MACHINE_NAME]));
    }

    /**
     * A child workflow execution of a Distributed Map. Retrying it alone would run its item twice: the
     * parent execution fails too, and redriving the parent redrives the Map Run's failed children.
     */
    public boolean mapRunChild() {
        return redriveStatus == RedriveStatus.REDRIVABLE_BY_MAP_RUN || labelled(executionArn) || labelled(stateMachineArn);
    }

    private static boolean labelled(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":");
        return parts.length > ARN_MACHINE_NAME && parts[ARN_MACHINE_NAME].contains("/");
    }

    private static boolean isExecutionArn(String arn) {
        String[] parts = arn.split(":");
        return parts.length >= 8 && "arn".equals(parts[0]) && "states".equals(parts[2])
                && ("execution".equals(parts[ARN_RESOURCE_TYPE]) || "express".equals(parts[ARN_RESOURCE_TYPE]))
                && !parts[ARN_MACHINE_NAME].isBlank();
    }

    private static String withoutMapRunLabel(String name) {
        int slash = name.indexOf('/');
        return slash > 0 ? name.substring(0, slash) : name;
    }

    /**
     * Where a new execution goes by this record's own claim: the alias the failed run came through, else its
     * version, else the machine. For Standard workflows the service uses DescribeExecution's answer instead.
     */
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
    /**
     * A failure of execution {@code executionArn} of {@code stateMachineArn}; what is not set is null, the
     * redriveCount 0 and the redriveStatus {@link RedriveStatus#UNKNOWN}.
     */
    public static Builder builder(String executionArn, String stateMachineArn, String executionName, String status) {
        return new Builder(executionArn, stateMachineArn, executionName, status);
    }

    public static final class Builder {
        private final String executionArn;
        private final String stateMachineArn;
        private final String executionName;
        private final String status;
        private String error;
        private String cause;
        private String input;
        private int redriveCount;
        private RedriveStatus redriveStatus = RedriveStatus.UNKNOWN;
        private String stateMachineAliasArn;
        private String stateMachineVersionArn;

        private Builder(String executionArn, String stateMachineArn, String executionName, String status) {
            this.executionArn = executionArn;
            this.stateMachineArn = stateMachineArn;
            this.executionName = executionName;
            this.status = status;
        }

        public Builder error(String value) { error = value; return this; }
        public Builder cause(String value) { cause = value; return this; }
        public Builder input(String value) { input = value; return this; }
        public Builder redriveCount(int value) { redriveCount = value; return this; }
        public Builder redriveStatus(RedriveStatus value) { redriveStatus = value; return this; }
        public Builder stateMachineAliasArn(String value) { stateMachineAliasArn = value; return this; }
        public Builder stateMachineVersionArn(String value) { stateMachineVersionArn = value; return this; }

        public FailureEvent build() {
            return new FailureEvent(executionArn, stateMachineArn, executionName, status, error, cause, input,
                    redriveCount, redriveStatus, stateMachineAliasArn, stateMachineVersionArn);
        }
    }
}
