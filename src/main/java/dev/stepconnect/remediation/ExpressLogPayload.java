package dev.stepconnect.remediation;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A decoded CloudWatch Logs subscription delivery: {@code {"awslogs":{"data":"<base64 gzip>"}}} whose data
 * is {@code {messageType, owner, logGroup, logStream, subscriptionFilters, logEvents:[{id, timestamp, message}]}}
 * (CloudWatch Logs User Guide, "Using CloudWatch Logs subscription filters", Lambda example).
 * {@code messageType} {@code CONTROL_MESSAGE} is CloudWatch Logs checking that the destination is
 * reachable: it carries no log events of the log group. aws-lambda-java-events types the envelope
 * ({@link CloudWatchLogsEvent}, no joda-time) but has no type for the decoded data.
 *
 * @param logEvents the log events, in delivery order; a log event without id or message is kept as
 *                  an entry with a null message so the caller can count it
 */
public record ExpressLogPayload(String messageType, String owner, String logGroup, String logStream,
                                List<LogEvent> logEvents) {

    public static final String DATA_MESSAGE = "DATA_MESSAGE";
    public static final String CONTROL_MESSAGE = "CONTROL_MESSAGE";
    /**
     * Refuse to inflate more than this: a Lambda async payload is at most 1 MB (256 KB before 2025) of
     * base64 gzip, which real log text never expands past a few MB. A gzip bomb stops here.
     */
    static final int MAX_DECODED_BYTES = 16 * 1024 * 1024;

    /** One log event: CloudWatch Logs' unique event id, its timestamp (epoch ms) and the raw message. */
    public record LogEvent(String id, long timestamp, String message) {
    }

    public ExpressLogPayload {
        logEvents = List.copyOf(logEvents);
    }

    /** A control message (or a data message without events) has nothing to handle. */
    public boolean isControl() {
        return CONTROL_MESSAGE.equals(messageType);
    }

    /** True when the invocation payload has the subscription shape ({@code awslogs} object). */
    static boolean matches(JsonObject invocation) {
        return invocation.has("awslogs");
    }

    /** The envelope of an invocation payload in aws-lambda-java-events' type. */
    static CloudWatchLogsEvent envelope(JsonObject invocation) {
        try {
            String data = invocation.requiredObject("awslogs").requiredString("data");
            return new CloudWatchLogsEvent().withAwsLogs(new CloudWatchLogsEvent.AWSLogs().withData(data));
        } catch (JsonException e) {
            throw new InvalidEventException("not a CloudWatch Logs subscription payload: " + e.getMessage());
        }
    }

    /**
     * Decodes the envelope's data. Anything unusable is an {@link InvalidEventException} whose message
     * names the problem, never the content (log messages may carry execution input).
     */
    public static ExpressLogPayload decode(CloudWatchLogsEvent event) {
        if (event == null || event.getAwsLogs() == null || event.getAwsLogs().getData() == null) {
            throw new InvalidEventException("not a CloudWatch Logs subscription payload: no awslogs.data");
        }
        byte[] compressed;
        try {
            compressed = Base64.getMimeDecoder().decode(event.getAwsLogs().getData());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("awslogs.data is not base64");
        }
        JsonObject data;
        try {
            data = Json.parseObject(new String(gunzip(compressed), StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new InvalidEventException("awslogs.data is not a JSON object");
        }
        try {
            List<LogEvent> events = new ArrayList<>();
            Object raw = data.raw("logEvents");
            if (raw != null && !(raw instanceof List<?>)) {
                throw new InvalidEventException("field 'logEvents' must be an array");
            }
            for (Object item : raw == null ? List.of() : (List<?>) raw) {
                events.add(logEvent(item));
            }
            return new ExpressLogPayload(data.string("messageType").orElse(DATA_MESSAGE),
                    data.string("owner").orElse(null), data.string("logGroup").orElse(null),
                    data.string("logStream").orElse(null), events);
        } catch (JsonException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }

    /** One entry of {@code logEvents}; a malformed one becomes an entry with a null message, counted later. */
    private static LogEvent logEvent(Object item) {
        if (!(item instanceof Map<?, ?> event)) {
            return new LogEvent(null, 0, null);
        }
        String id = event.get("id") instanceof String s ? s : null;
        long timestamp = event.get("timestamp") instanceof Number n ? n.longValue() : 0L;
        String message = event.get("message") instanceof String m ? m : null;
        return new LogEvent(id, timestamp, id == null ? null : message);
    }

    /**
     * The inverse of {@link #decode}: gzip and base64 of the decoded data, as CloudWatch Logs encodes
     * {@code awslogs.data} (for samples, local runs and priming).
     */
    public static String encode(String decodedJson) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(decodedJson.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static byte[] gunzip(byte[] compressed) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 8);
            byte[] buffer = new byte[16 * 1024];
            int total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > MAX_DECODED_BYTES) {
                    throw new InvalidEventException("awslogs.data inflates past " + MAX_DECODED_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new InvalidEventException("awslogs.data is not gzip");
        }
    }
}
