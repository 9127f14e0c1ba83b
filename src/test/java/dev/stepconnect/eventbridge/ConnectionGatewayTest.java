package dev.stepconnect.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
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

    @Test
    void aCredentialUpdateKeepsTheConnectionsCustomerManagedKey() {
        String key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
            stub.succeed("DescribeConnection", "{\"Name\":\"orders\",\"ConnectionState\":\"AUTHORIZED\","
                    + "\"AuthorizationType\":\"API_KEY\",\"KmsKeyIdentifier\":\"" + key + "\"}");
            stub.succeed("UpdateConnection", "{\"ConnectionState\":\"UPDATING\"}");
            new ConnectionGateway(events, Duration.ofMillis(10)).updateCredential("orders",
                    new Credential.ApiKey("x-api-key", "v2-abcdef"));
            assertThat(stub.requests("UpdateConnection")).singleElement()
                    .satisfies(request -> assertThat(request.getBodyAsString()).contains("\"KmsKeyIdentifier\":\"" + key + "\""));
        }
    }

    @Test
    void updateFailuresArriveAsDomainExceptionsThatSayWhetherToRetry() {
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
            stub.succeed("DescribeConnection", "{\"Name\":\"orders\",\"ConnectionState\":\"AUTHORIZED\"}");
            ConnectionGateway gateway = new ConnectionGateway(events, Duration.ofMillis(10));
            stub.fail("UpdateConnection", 400, "AccessDeniedException", "not allowed");
            assertThatThrownBy(() -> gateway.updateCredential("orders", new Credential.ApiKey("x-api-key", "v2-abcdef")))
                    .isInstanceOfSatisfying(ConnectionRequestException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("AccessDeniedException");
            stub.fail("UpdateConnection", 503, "ServiceUnavailable", "try later");
            assertThatThrownBy(() -> gateway.updateCredential("orders", new Credential.ApiKey("x-api-key", "v2-abcdef")))
                    .isInstanceOfSatisfying(ConnectionRequestException.class, e -> assertThat(e.retryable()).isTrue());
        }
    }
}
