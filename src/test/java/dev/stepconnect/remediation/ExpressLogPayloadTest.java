package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.ExpressLogs.eventId;
import static dev.stepconnect.remediation.ExpressLogs.logEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import dev.stepconnect.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ExpressLogPayloadTest {
    private static final String ARN = "arn:aws:states:us-east-1:123456789012:express:orders:run-1:4d4a5d48-2b1c-4f3e-9a8b-1234567890ab";
    private static final String GROUP = "/aws/vendedlogs/states/orders";

    private static ExpressLogPayload decode(String invocation) {
        return ExpressLogPayload.decode(ExpressLogPayload.envelope(Json.parseObject(invocation)));
    }

    @Test
    void decodesEveryLogEventOfADataMessageInOrder() {
        String started = ExpressLogs.started(ARN, "{\"order\":1}", false);
        String failed = ExpressLogs.failed("ExecutionFailed", ARN, "States.Timeout", "timed out");
        ExpressLogPayload payload = decode(ExpressLogs.payload("123456789012", GROUP,
                List.of(logEvent(eventId(1), 1764450000000L, started), logEvent(eventId(2), 1764450001000L, failed))));

        assertThat(payload.messageType()).isEqualTo("DATA_MESSAGE");
        assertThat(payload.isControl()).isFalse();
        assertThat(payload.owner()).isEqualTo("123456789012");
        assertThat(payload.logGroup()).isEqualTo(GROUP);
        assertThat(payload.logEvents()).extracting(ExpressLogPayload.LogEvent::id).containsExactly(eventId(1), eventId(2));
        assertThat(payload.logEvents().get(1).timestamp()).isEqualTo(1764450001000L);
        assertThat(payload.logEvents().get(1).message()).isEqualTo(failed);
    }

    @Test
    void aControlMessageCarriesNothingToHandle() {
        ExpressLogPayload payload = decode(ExpressLogs.encoded(ExpressLogs.data("CONTROL_MESSAGE", "CloudwatchLogs",
                "testLogGroup", List.of(logEvent(eventId(1), 1764450000000L,
                        "CWL CONTROL MESSAGE: Checking health of destination Lambda function.")))));

        assertThat(payload.isControl()).isTrue();
    }

    @Test
    void malformedEntriesAreKeptAsEntriesWithoutMessageSoTheyCanBeCounted() {
        String data = "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"" + GROUP + "\","
                + "\"logStream\":\"s\",\"subscriptionFilters\":[\"f\"],\"logEvents\":["
                + "\"not an object\",{\"timestamp\":1,\"message\":\"no id\"},{\"id\":\"7\",\"timestamp\":2},"
                + "{\"id\":\"8\",\"timestamp\":3,\"message\":\"fine\"}]}";

        ExpressLogPayload payload = decode(ExpressLogs.encoded(data));

        assertThat(payload.logEvents()).hasSize(4);
        assertThat(payload.logEvents()).extracting(ExpressLogPayload.LogEvent::message)
                .containsExactly(null, null, null, "fine");
    }

    @Test
    void theEnvelopeIsAwsLambdaJavaEventsType() {
        CloudWatchLogsEvent envelope = ExpressLogPayload.envelope(Json.parseObject(
                ExpressLogs.payload("123456789012", GROUP, List.of())));

        assertThat(envelope.getAwsLogs().getData()).isNotBlank();
        assertThat(ExpressLogPayload.decode(envelope).logEvents()).isEmpty();
    }

    @Test
    void undecodableDataIsRejectedWithoutQuotingIt() {
        assertThatThrownBy(() -> decode("{\"awslogs\":{\"data\":\"%%% secret-ish %%%\"}}"))
                .isInstanceOf(InvalidEventException.class).hasMessage("awslogs.data is not base64")
                .hasMessageNotContaining("secret");
        String notGzip = Base64.getEncoder().encodeToString("plain secret".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decode("{\"awslogs\":{\"data\":\"" + notGzip + "\"}}"))
                .isInstanceOf(InvalidEventException.class).hasMessage("awslogs.data is not gzip");
        assertThatThrownBy(() -> decode(ExpressLogs.encoded("[\"secret\"]")))
                .isInstanceOf(InvalidEventException.class).hasMessage("awslogs.data is not a JSON object");
        assertThatThrownBy(() -> decode("{\"awslogs\":{}}"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("data");
        assertThatThrownBy(() -> decode(ExpressLogs.encoded("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":{}}")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("logEvents");
    }

    @Test
    void aGzipBombStopsAtTheDecodedSizeLimit() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i <= ExpressLogPayload.MAX_DECODED_BYTES / zeros.length; i++) {
                gzip.write(zeros);
            }
        }
        String data = Base64.getEncoder().encodeToString(bytes.toByteArray());

        assertThatThrownBy(() -> decode(Json.write(Map.of("awslogs", Map.of("data", data)))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("inflates past");
    }

    @Test
    void onlyTheAwslogsShapeMatches() {
        assertThat(ExpressLogPayload.matches(Json.parseObject("{\"awslogs\":{\"data\":\"x\"}}"))).isTrue();
        assertThat(ExpressLogPayload.matches(Json.parseObject("{\"Records\":[]}"))).isFalse();
        assertThat(ExpressLogPayload.matches(Json.parseObject("{\"detail-type\":\"x\"}"))).isFalse();
    }
}
