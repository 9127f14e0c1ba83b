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
                    headers, HttpParameters.NONE, null, PrivateConnectivity.NONE));
            assertThat(arn).contains(":connection/" + name);

            ConnectionDescription ready = gateway.awaitReady(name, Deadline.in(Duration.ofSeconds(20), Clock.systemUTC()));
            assertThat(ready.isReady()).isTrue();
            assertThat(ready.authorizationType()).isEqualTo("API_KEY");
            assertThat(ready.secretArn()).isNotBlank();

            ConnectionDescription described = gateway.describe(name).orElseThrow();
            gateway.updateCredential(described, new Credential.ApiKey("x-api-key", "v2-abcdef"),
                    new ConnectionMarker(null, null, null, null), Deadline.in(Duration.ofSeconds(20), Clock.systemUTC()));
            assertThat(gateway.awaitReady(name, Deadline.in(Duration.ofSeconds(20), Clock.systemUTC())).isReady()).isTrue();

            assertThat(gateway.delete(name)).isTrue();
            assertThat(gateway.describe(name)).isEmpty();
            assertThat(gateway.delete(name)).isFalse();
            assertThatThrownBy(() -> gateway.awaitReady(name, Deadline.in(Duration.ofSeconds(1), Clock.systemUTC())))
                    .isInstanceOf(ConnectionNotReadyException.class)
                    .satisfies(e -> assertThat(((ConnectionNotReadyException) e).timedOut()).isFalse());
        }
    }

    private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf";
    private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static String described(String state, String description) {
        return "{\"Name\":\"orders\",\"ConnectionState\":\"" + state + "\",\"AuthorizationType\":\"API_KEY\","
                + "\"KmsKeyIdentifier\":\"" + KEY + "\",\"Description\":\"" + description + "\","
                + "\"AuthParameters\":{\"ApiKeyAuthParameters\":{\"ApiKeyName\":\"x-api-key\"},"
                + "\"InvocationHttpParameters\":{\"HeaderParameters\":[{\"Key\":\"X-Tenant\",\"Value\":\"acme\",\"IsValueSecret\":false}]}}}";
    }

    private static Deadline seconds(int seconds) {
        return Deadline.in(Duration.ofSeconds(seconds), Clock.systemUTC());
    }

    @Test
    void aWriteRecordsTheSourceVersionAndKeepsKeyParametersAndTheUsersText() {
        String followed = "orders partner " + new ConnectionMarker("a".repeat(16), "b".repeat(16), null, null)
                .carrying(SECRET, "v1").render();
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
            stub.succeed("DescribeConnection", described("AUTHORIZED", followed));
            stub.succeed("UpdateConnection", "{\"ConnectionState\":\"AUTHORIZED\"}");
            new ConnectionCredentialWriter(new ConnectionGateway(events, Duration.ofMillis(10)))
                    .write("orders", new CredentialSource(SECRET, "v2"), new Credential.ApiKey("x-api-key", "v2-abcdef"), seconds(5));

            String body = stub.requests("UpdateConnection").get(0).getBodyAsString();
            ConnectionMarker written = ConnectionMarker.find(dev.stepconnect.json.Json.parseObject(body)
                    .string("Description").orElseThrow()).orElseThrow();
            assertThat(written.owner()).isEqualTo("a".repeat(16));
            assertThat(written.namesSource(SECRET)).isTrue();
            assertThat(written.carriesVersion("v2")).isTrue();
            assertThat(written.carriesVersion("v1")).isFalse();
            assertThat(body).contains("\"Description\":\"orders partner [stepconnect:owner=")
                    .contains("\"KmsKeyIdentifier\":\"" + KEY + "\"")
                    .contains("\"Key\":\"X-Tenant\",\"Value\":\"acme\"");
        }
    }

    @Test
    void aConnectionThatDoesNotNameTheSecretAsItsSourceIsNeverWritten() {
        String otherSource = new ConnectionMarker("a".repeat(16), "b".repeat(16), null, null)
                .carrying(SECRET + "-other", "v1").render();
        for (String description : List.of("", "hand made", otherSource)) {
            try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
                stub.succeed("DescribeConnection", described("AUTHORIZED", description));
                assertThatThrownBy(() -> new ConnectionCredentialWriter(new ConnectionGateway(events, Duration.ofMillis(10)))
                        .write("orders", new CredentialSource(SECRET, "v2"), new Credential.ApiKey("x-api-key", "v2-abcdef"), seconds(5)))
                        .isInstanceOfSatisfying(ConnectionWriteException.class, e -> assertThat(e.disposition())
                                .isEqualTo(ConnectionWriteException.Disposition.NOT_FOLLOWING))
                        .hasMessageContaining("orders");
                assertThat(stub.requests("UpdateConnection")).isEmpty();
            }
        }
    }

    @Test
    void aConcurrentModificationIsRetriedNotReported() {
        String followed = new ConnectionMarker(null, null, null, null).carrying(SECRET, "v1").render();
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
            stub.succeed("DescribeConnection", described("AUTHORIZED", followed));
            stub.failThenSucceed("UpdateConnection", 2, 400, "ConcurrentModificationException", "{\"ConnectionState\":\"AUTHORIZED\"}");
            ConnectionDescription ready = new ConnectionCredentialWriter(new ConnectionGateway(events, Duration.ofMillis(10)))
                    .write("orders", new CredentialSource(SECRET, "v2"), new Credential.ApiKey("x-api-key", "v2-abcdef"), seconds(5));
            assertThat(ready.isReady()).isTrue();
            assertThat(stub.requests("UpdateConnection")).hasSize(3);
        }
    }

    @Test
    void secretParameterValuesThatCannotBeReadBackAreNotOverwritten() {
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
            stub.succeed("DescribeConnection", "{\"Name\":\"orders\",\"ConnectionState\":\"AUTHORIZED\",\"AuthorizationType\":\"API_KEY\","
                    + "\"AuthParameters\":{\"InvocationHttpParameters\":{\"HeaderParameters\":[{\"Key\":\"X-Sig\",\"IsValueSecret\":true}]}}}");
            stub.succeed("UpdateConnection", "{\"ConnectionState\":\"UPDATING\"}");
            ConnectionGateway gateway = new ConnectionGateway(events, Duration.ofMillis(10));
            gateway.updateCredential(gateway.describe("orders").orElseThrow(), new Credential.ApiKey("x-api-key", "v2-abcdef"),
                    new ConnectionMarker(null, null, null, null), seconds(5));
            assertThat(stub.requests("UpdateConnection").get(0).getBodyAsString()).doesNotContain("InvocationHttpParameters")
                    .doesNotContain("X-Sig");
        }
    }

    @Test
    void aCredentialUpdateKeepsTheConnectionsCustomerManagedKey() {
        String key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents"); EventBridgeClient events = stub.clients().eventBridge()) {
            stub.succeed("DescribeConnection", "{\"Name\":\"orders\",\"ConnectionState\":\"AUTHORIZED\","
                    + "\"AuthorizationType\":\"API_KEY\",\"KmsKeyIdentifier\":\"" + key + "\"}");
            stub.succeed("UpdateConnection", "{\"ConnectionState\":\"UPDATING\"}");
            ConnectionGateway gateway = new ConnectionGateway(events, Duration.ofMillis(10));
            gateway.updateCredential(gateway.describe("orders").orElseThrow(), new Credential.ApiKey("x-api-key", "v2-abcdef"),
                    new ConnectionMarker(null, null, null, null), seconds(5));
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
            assertThatThrownBy(() -> gateway.updateCredential(gateway.describe("orders").orElseThrow(),
                    new Credential.ApiKey("x-api-key", "v2-abcdef"), new ConnectionMarker(null, null, null, null), seconds(1)))
                    .isInstanceOfSatisfying(ConnectionRequestException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("AccessDeniedException");
            stub.fail("UpdateConnection", 503, "ServiceUnavailable", "try later");
            assertThatThrownBy(() -> gateway.updateCredential(gateway.describe("orders").orElseThrow(),
                    new Credential.ApiKey("x-api-key", "v2-abcdef"), new ConnectionMarker(null, null, null, null), seconds(1)))
                    .isInstanceOfSatisfying(ConnectionRequestException.class, e -> assertThat(e.retryable()).isTrue());
        }
    }
}
