package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds what AWS delivers for Express workflows, for tests: Step Functions execution log records (the
 * field names of the Step Functions guide's log examples, numbers as strings) and CloudWatch Logs
 * subscription payloads ({@code {"awslogs":{"data":"<base64 gzip>"}}}).
 */
final class ExpressLogs {
    static final String ACCOUNT = "123456789012";

    private ExpressLogs() {
    }

    /** An Express execution ARN of {@code stateMachineArn} ({@code ...:stateMachine:<name>}). */
    static String executionArn(String stateMachineArn, String executionName) {
        String prefix = stateMachineArn.substring(0, stateMachineArn.indexOf(":stateMachine:"));
        String machine = stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
        return prefix + ":express:" + machine + ":" + executionName + ":" + java.util.UUID.randomUUID();
    }

    static String accountOf(String arn) {
        return arn.split(":")[4];
    }

    static String started(String executionArn, String input, boolean truncated) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (input != null) {
            details.put("input", input);
        }
        details.put("inputDetails", Map.of("truncated", truncated));
        details.put("roleArn", "arn:aws:iam::" + accountOf(executionArn) + ":role/express-partner-call");
        return record("1", "ExecutionStarted", executionArn, details, "0");
    }

    /** ExecutionStarted of a state machine that logs without includeExecutionData: no input at all. */
    static String startedWithoutData(String executionArn) {
        return record("1", "ExecutionStarted", executionArn,
                Map.of("roleArn", "arn:aws:iam::" + accountOf(executionArn) + ":role/express-partner-call"), "0");
    }

    static String failed(String type, String executionArn, String error, String cause) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (error != null) {
            details.put("error", error);
        }
        if (cause != null) {
            details.put("cause", cause);
        }
        return record("12", type, executionArn, details, "11");
    }

    static String other(String type, String executionArn) {
        return record("5", type, executionArn, Map.of("name", "CallPartnerApi"), "4");
    }

    private static String record(String id, String type, String executionArn, Map<String, Object> details,
                                 String previous) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", id);
        record.put("type", type);
        record.put("details", details);
        record.put("previous_event_id", previous);
        record.put("event_timestamp", String.valueOf(System.currentTimeMillis()));
        record.put("execution_arn", executionArn);
        record.put("redrive_count", "0");
        return Json.write(record);
    }

    /** A log event of a delivery: CloudWatch Logs ids are 56-digit strings, unique per event. */
    static Map<String, Object> logEvent(String id, long timestamp, String message) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("timestamp", timestamp);
        event.put("message", message);
        return event;
    }

    static String eventId(int n) {
        return String.format("%056d", 37_000_000L + n);
    }

    /** The decoded data of a subscription delivery of {@code logGroup}. */
    static String data(String messageType, String owner, String logGroup, List<Map<String, Object>> events) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageType", messageType);
        data.put("owner", owner);
        data.put("logGroup", logGroup);
        data.put("logStream", "states/express-partner-call/2026-11-29-22-00/0a1b2c3d");
        data.put("subscriptionFilters", List.of("stepconnect-express-failures"));
        data.put("logEvents", new ArrayList<>(events));
        return Json.write(data);
    }

    /** The invocation payload CloudWatch Logs sends for these log events. */
    static String payload(String owner, String logGroup, List<Map<String, Object>> events) {
        return encoded(data(ExpressLogPayload.DATA_MESSAGE, owner, logGroup, events));
    }

    static String encoded(String data) {
        return Json.write(Map.of("awslogs", Map.of("data", ExpressLogPayload.encode(data))));
    }
}
