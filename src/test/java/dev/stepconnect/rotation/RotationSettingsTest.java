package dev.stepconnect.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotationSettingsTest {

    @Test
    void readsConnectionsEndpointAndGenerator() {
        RotationSettings settings = RotationSettings.fromTags(Map.of(
                "stepconnect:connection", " orders-api, billing-api ,orders-api,",
                "stepconnect:test-endpoint", "https://api.example.com/health",
                "stepconnect:generator", "Random"), "s");
        assertThat(settings.connections()).containsExactly("orders-api", "billing-api");
        assertThat(settings.testEndpointIfSet()).contains(URI.create("https://api.example.com/health"));
        assertThat(settings.generator()).isEqualTo(RotationSettings.Generator.RANDOM);
    }

    @Test
    void defaultsToPendingGeneratorAndNoProbe() {
        RotationSettings settings = RotationSettings.fromTags(Map.of("stepconnect:connection", "orders-api"), "s");
        assertThat(settings.generator()).isEqualTo(RotationSettings.Generator.PENDING);
        assertThat(settings.testEndpointIfSet()).isEmpty();
    }

    @Test
    void connectionTagIsRequiredAndValidated() {
        assertThatThrownBy(() -> RotationSettings.fromTags(Map.of(), "my-secret"))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("stepconnect:connection")
                .hasMessageContaining("my-secret");
        assertThatThrownBy(() -> RotationSettings.fromTags(Map.of("stepconnect:connection", " , "), "s"))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("names no connection");
        assertThatThrownBy(() -> RotationSettings.fromTags(Map.of("stepconnect:connection", "bad name!"), "s"))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("not a connection name");
    }

    @Test
    void plainHttpOnlyForLoopback() {
        assertThat(RotationSettings.testEndpoint("http://127.0.0.1:8080/ping")).isNotNull();
        assertThat(RotationSettings.testEndpoint("http://localhost/ping")).isNotNull();
        assertThat(RotationSettings.testEndpoint("http://[::1]:9000/ping")).isNotNull();
        assertThatThrownBy(() -> RotationSettings.testEndpoint("http://api.example.com/ping"))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> RotationSettings.testEndpoint("http://10.0.0.1/ping"))
                .isInstanceOf(InvalidRotationException.class);
        assertThatThrownBy(() -> RotationSettings.testEndpoint("ftp://api.example.com/x"))
                .isInstanceOf(InvalidRotationException.class);
        assertThatThrownBy(() -> RotationSettings.testEndpoint("not a url"))
                .isInstanceOf(InvalidRotationException.class);
    }

    @Test
    void unknownGeneratorIsRefused() {
        assertThatThrownBy(() -> RotationSettings.fromTags(Map.of("stepconnect:connection", "c",
                "stepconnect:generator", "vault"), "s"))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("'pending' or 'random'");
    }
}
