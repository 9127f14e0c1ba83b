package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** events/remediation-express-logs.json (what `sam local invoke -e` sends) and its decoded twin agree. */
class ExpressSampleEventsTest {

    @Test
    void theEncodedSampleDecodesToTheReadableOneBesideIt() throws IOException {
        ExpressLogPayload encoded = ExpressLogPayload.decode(ExpressLogPayload.envelope(
                Json.parseObject(Files.readString(Path.of("events", "remediation-express-logs.json")))));
        String decoded = Files.readString(Path.of("events", "remediation-express-logs.decoded.json"));
        ExpressLogPayload readable = ExpressLogPayload.decode(ExpressLogPayload.envelope(
                Json.parseObject(ExpressLogs.encoded(decoded))));

        assertThat(encoded).isEqualTo(readable);
        assertThat(encoded.owner()).isEqualTo("123456789012");
        List<ExecutionLogEntry> entries = encoded.logEvents().stream()
                .map(e -> ExecutionLogEntry.parse(e.message())).toList();
        assertThat(entries).extracting(ExecutionLogEntry::type)
                .containsExactly("ExecutionStarted", "ExecutionStarted", "ExecutionFailed");
        ExpressFailure failure = ExpressFailure.from(encoded.logEvents().get(2).id(), encoded.logEvents().get(2).timestamp(),
                entries.get(2));
        assertThat(failure.stateMachineArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:partner-orders-express");
        assertThat(FailureClassifier.builtIn().classify(failure.status(), failure.error(), failure.cause()).errorClass())
                .isEqualTo(ErrorClass.SERVICE_ERROR);
        assertThat(entries.get(0).input()).isEqualTo("{\"orderId\":\"2001\"}");
    }
}
