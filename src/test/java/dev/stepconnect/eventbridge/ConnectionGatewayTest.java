package dev.stepconnect.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.testing.AwsEmulator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

@ExtendWith(AwsEmulator.class)
class ConnectionGatewayTest {

    @Test
    void createsDescribesUpdatesAndDeletes() {
        try (EventBridgeClient events = AwsEmulator.clients().eventBridge()) {
            ConnectionGateway gateway = new ConnectionGateway(events, Duration.ofMillis(100));
            String name = AwsEmulator.uniqueName("gateway");
            HttpParameters headers = new HttpParameters(
                    List.of(new HttpParameters.Parameter("X-Tenant", "acme", false)), List.of(), List.of());
            String arn = gateway.create(new ConnectionSpec(name, "test", new Credential.ApiKey("x-api-key", "v1-abcdef"),
                    headers, HttpParameters.NONE, null));
            assertThat(arn).contains(":connection/" + name);

            ConnectionDescription ready = gateway.awaitReady(name, Deadline.in(Duration.ofSeconds(20), Clock.systemUTC()));
            assertThat(ready.isReady()).isTrue();
            assertThat(ready.authorizationType()).isEqualTo("API_KEY");
            assertThat(ready.secretArn()).isNotBlank();

            gateway.updateCredential(name, new Credential.ApiKey("x-api-key", "v2-abcdef"));
            assertThat(gateway.awaitReady(name, Deadline.in(Duration.ofSeconds(20), Clock.systemUTC())).isReady()).isTrue();

            assertThat(gateway.delete(name)).isTrue();
            assertThat(gateway.describe(name)).isEmpty();
            assertThat(gateway.delete(name)).isFalse();
            assertThatThrownBy(() -> gateway.awaitReady(name, Deadline.in(Duration.ofSeconds(1), Clock.systemUTC())))
                    .isInstanceOf(ConnectionNotReadyException.class)
                    .satisfies(e -> assertThat(((ConnectionNotReadyException) e).timedOut()).isFalse());
        }
    }
}
