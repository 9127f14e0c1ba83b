package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.itemFailures;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The samples in events/ (for {@code sam local invoke -e}) are what the handler accepts. */
@ExtendWith(AwsEmulator.class)
class SampleEventsTest {
    private static String read(String file) throws IOException {
        return Files.readString(Path.of("events", file));
    }

    @ParameterizedTest
    @CsvSource({
            "remediation-failed.json, FAILED, ServiceError",
            "remediation-timed-out.json, TIMED_OUT, Timeout",
            "remediation-aborted.json, ABORTED, Aborted",
            "remediation-connection-error.json, FAILED, ConnectionUnusable",
            "remediation-fail-state.json, FAILED, ServiceError"})
    void directSamplesParseAndClassify(String file, String status, String errorClass) throws IOException {
        FailureEvent event = FailureEvent.parse(read(file));
        assertThat(event.status()).isEqualTo(status);
        assertThat(FailureClassifier.builtIn().classify(event.status(), event.error(), event.cause()).errorClass().dimension())
                .isEqualTo(errorClass);
    }

    @Test
    void syncChildSampleIsClassifiedByItsNestedError() throws IOException {
        JsonObject batch = Json.parseObject(read("remediation-sqs-failed.json"));
        FailureEvent nested = FailureEvent.parse(batch.objects("Records").get(1).requiredString("body"));
        assertThat(nested.error()).isEqualTo("States.TaskFailed");
        assertThat(nested.input()).isNull();
        assertThat(FailureClassifier.builtIn().classify(nested.status(), nested.error(), nested.cause()).errorClass())
                .isEqualTo(ErrorClass.THROTTLING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"remediation-sqs-failed.json", "remediation-sqs-timed-out.json", "remediation-sqs-aborted.json"})
    void sqsSamplesAreAcceptedByTheHandler(String file) throws IOException {
        try (RemediationFixture fixture = new RemediationFixture()) {
            // Point the sample at a real, untagged state machine: no retry, but every message is handled.
            String machine = fixture.createStateMachine("sample", java.util.Map.of());
            String batch = read(file).replace("arn:aws:states:us-east-1:123456789012:stateMachine:partner-orders", machine);
            JsonObject response = invoke(fixture.delayedHandler(20), batch);
            assertThat(itemFailures(response)).isEmpty();
            assertThat(fixture.schedules()).isEmpty();
        }
    }
}
