package dev.stepconnect.guardian;

import dev.stepconnect.eventbridge.ConnectionNames;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What woke the guardian, as plain values. {@link #parse} never throws: anything it does not recognise
 * becomes {@link Unrecognized} with a short reason that quotes no part of the event (events can carry
 * request parameters, and nothing in them is for the logs).
 */
public sealed interface GuardianEvent {

    /** The explicit Input of the guardian's schedule (template.yaml). */
    String SCHEDULE_MARKER = "guardian-scheduled-check";

    /** A short name of the trigger for logs and the answer. */
    String kind();

    /**
     * EventBridge's own connection state event (source {@code aws.events}, detail-type
     * {@code Connection Deauthorized} or {@code Connection Failed Connectivity}). Only the name is used:
     * the state is read again with DescribeConnection, since events arrive late and out of order.
     *
     * @see <a href="https://docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html">EventBridge events detail reference</a>
     */
    record ConnectionStateChanged(String connectionName, String detailType, Instant changedAt) implements GuardianEvent {
        /** {@code detail.Timestamp}'s format, e.g. {@code 2024-10-24 09:26:35 +0000 UTC} (not ISO-8601). */
        static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z 'UTC'", Locale.ROOT);

        @Override
        public String kind() {
            return "connection-state";
        }

        /** {@code detail.Timestamp} as an instant; null when absent or in another format (it is only logged). */
        static Instant timestamp(String text) {
            if (text == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(text.trim(), TIMESTAMP).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    /**
     * A CloudTrail API-call event for a change of a secret's value or labels ({@code PutSecretValue},
     * {@code UpdateSecret}, {@code UpdateSecretVersionStage} moving AWSCURRENT). {@code secretId} is the
     * ARN from {@code responseElements} when present, else what the caller typed (name or ARN).
     */
    record SecretChanged(String secretId, String eventName) implements GuardianEvent {
        @Override
        public String kind() {
            return "secret-change";
        }
    }

    /** The periodic check of every managed connection. */
    record ScheduledCheck() implements GuardianEvent {
        @Override
        public String kind() {
            return "scheduled-check";
        }
    }

    /** Malformed or foreign: acknowledged and counted, never processed. */
    record Unrecognized(String reason) implements GuardianEvent {
        @Override
        public String kind() {
            return "unrecognized";
        }
    }

    Set<String> STATE_DETAIL_TYPES = Set.of("Connection Deauthorized", "Connection Failed Connectivity");
    Set<String> SECRET_CALLS = Set.of("PutSecretValue", "UpdateSecret", "UpdateSecretVersionStage");
    /** Name prefix of the secrets EventBridge keeps for connections ({@code events!connection/<name>/...}). */
    String CONNECTION_SECRET_PREFIX = "events!connection/";

    /** Classifies one event; never throws. */
    static GuardianEvent parse(JsonObject event) {
        try {
            return classify(event);
        } catch (JsonException | ClassCastException e) {
            return new Unrecognized("a field has an unexpected type");
        }
    }

    private static GuardianEvent classify(JsonObject event) {
        if (SCHEDULE_MARKER.equals(event.string("stepconnect").orElse(null))) {
            return new ScheduledCheck();
        }
        String source = event.string("source").orElse("");
        String detailType = event.string("detail-type").orElse("");
        if (detailType.equals("Scheduled Event") && (source.equals("aws.events") || source.equals("aws.scheduler"))) {
            // A rule without Input, or EventBridge Scheduler's default event (its detail is the string "{}").
            return new ScheduledCheck();
        }
        if (source.equals("aws.events") && STATE_DETAIL_TYPES.contains(detailType)) {
            Optional<JsonObject> detail = detailObject(event);
            String name = detail.flatMap(d -> d.string("ConnectionName")).map(String::trim).orElse(null);
            if (!ConnectionNames.isValid(name)) {
                return new Unrecognized("connection state event without a valid detail.ConnectionName");
            }
            Instant changedAt = ConnectionStateChanged.timestamp(detail.flatMap(d -> d.string("Timestamp")).orElse(null));
            return new ConnectionStateChanged(name, detailType, changedAt);
        }
        if (source.equals("aws.secretsmanager") && detailType.equals("AWS API Call via CloudTrail")) {
            return secretChange(detailObject(event).orElse(null));
        }
        if (source.isEmpty() && detailType.isEmpty()) {
            return new Unrecognized("not an EventBridge event (no source or detail-type)");
        }
        return new Unrecognized("event from source '" + safe(source) + "' with detail-type '" + safe(detailType)
                + "' is not one the guardian handles");
    }

    private static GuardianEvent secretChange(JsonObject detail) {
        if (detail == null) {
            return new Unrecognized("CloudTrail event without a detail object");
        }
        String eventName = detail.string("eventName").orElse("");
        if (!SECRET_CALLS.contains(eventName)) {
            return new Unrecognized("CloudTrail event for a call the guardian does not follow");
        }
        if (detail.string("errorCode").filter(code -> !code.isBlank()).isPresent()) {
            return new Unrecognized("CloudTrail event of a failed " + eventName + " call");
        }
        Optional<JsonObject> request = detail.object("requestParameters");
        if (eventName.equals("UpdateSecretVersionStage")) {
            String stage = request.flatMap(r -> r.string("versionStage")).orElse("");
            boolean movesCurrent = request.flatMap(r -> r.string("moveToVersionId")).isPresent();
            if (!stage.equals("AWSCURRENT") || !movesCurrent) {
                return new Unrecognized("UpdateSecretVersionStage that does not move AWSCURRENT");
            }
        }
        Optional<JsonObject> response = detail.object("responseElements");
        String secretId = response.flatMap(r -> r.string("arn").or(() -> r.string("aRN")))
                .or(() -> request.flatMap(r -> r.string("secretId")))
                .map(String::trim).filter(id -> !id.isEmpty() && id.length() <= 2048).orElse(null);
        if (secretId == null) {
            return new Unrecognized("CloudTrail " + eventName + " event names no secret");
        }
        if (secretId.startsWith(CONNECTION_SECRET_PREFIX) || secretId.contains(":secret:" + CONNECTION_SECRET_PREFIX)) {
            // Every UpdateConnection (the guardian's own included) writes the connection's managed secret.
            return new Unrecognized("CloudTrail " + eventName + " event for a connection's own managed secret");
        }
        return new SecretChanged(secretId, eventName);
    }

    /** {@code detail} as an object; a detail given as a JSON string (Scheduler) is parsed. */
    private static Optional<JsonObject> detailObject(JsonObject event) {
        Object raw = event.raw("detail");
        if (raw instanceof String text) {
            try {
                return Optional.of(dev.stepconnect.json.Json.parseObject(text));
            } catch (JsonException e) {
                return Optional.empty();
            }
        }
        return event.object("detail");
    }

    /** Sources and detail-types are AWS-defined names; anything else is not echoed. */
    private static String safe(String value) {
        return value.matches("[A-Za-z0-9 ._:-]{1,64}") ? value : "(unprintable)";
    }
}
