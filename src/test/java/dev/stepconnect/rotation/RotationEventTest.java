package dev.stepconnect.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import org.junit.jupiter.api.Test;

class RotationEventTest {

    @Test
    void parsesTheSecretsManagerEvent() {
        RotationEvent event = RotationEvent.parse(Json.parseObject("""
                {"Step":"setSecret","SecretId":"arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf",
                 "ClientRequestToken":"t-1","RotationToken":"rt-secret-value"}"""));
        assertThat(event.step()).isEqualTo(RotationStep.SET_SECRET);
        assertThat(event.clientRequestToken()).isEqualTo("t-1");
        assertThat(event.rotationToken()).isEqualTo("rt-secret-value");
        assertThat(event.toString()).doesNotContain("rt-secret-value");
    }

    @Test
    void rotationTokenIsOptional() {
        RotationEvent event = RotationEvent.parse(Json.parseObject(
                "{\"Step\":\"finishSecret\",\"SecretId\":\"s\",\"ClientRequestToken\":\"t\"}"));
        assertThat(event.rotationToken()).isNull();
    }

    @Test
    void sampleEventsParse() throws java.io.IOException {
        for (RotationStep step : RotationStep.values()) {
            java.nio.file.Path sample = java.nio.file.Path.of("events", "rotation-" + step.wireName() + ".json");
            RotationEvent event = RotationEvent.parse(Json.parseObject(java.nio.file.Files.readString(sample)));
            assertThat(event.step()).isEqualTo(step);
            assertThat(event.rotationToken()).isNotNull();
        }
    }

    @Test
    void missingFieldsAreNamed() {
        assertThatThrownBy(() -> RotationEvent.parse(Json.parseObject("{\"Step\":\"createSecret\",\"SecretId\":\"s\"}")))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("ClientRequestToken");
    }
}
