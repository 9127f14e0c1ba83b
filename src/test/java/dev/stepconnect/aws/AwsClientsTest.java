package dev.stepconnect.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.config.Environment;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

class AwsClientsTest {

    @Test
    void serviceSpecificEndpointWinsOverTheGlobalOne() {
        AwsClients clients = AwsClients.fromEnvironment(new Environment(Map.of(
                "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:9999")));
        try (SfnClient sfn = clients.sfn(); SecretsManagerClient secrets = clients.secretsManager()) {
            assertThat(sfn.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:9999"));
            assertThat(secrets.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:4566"));
            assertThat(sfn.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void noEndpointVariablesMeansAwsEndpoints() {
        AwsClients clients = AwsClients.fromEnvironment(new Environment(Map.of("AWS_REGION", "us-west-2",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret")));
        try (EventBridgeClient events = clients.eventBridge()) {
            assertThat(events.serviceClientConfiguration().endpointOverride()).isEmpty();
            assertThat(events.serviceClientConfiguration().region()).isEqualTo(Region.US_WEST_2);
        }
    }

    @Test
    void credentialsComeFromTheGivenEnvironment() {
        AwsClients clients = AwsClients.fromEnvironment(new Environment(Map.of("AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_SESSION_TOKEN", "token")));
        try (SfnClient sfn = clients.sfn()) {
            var identity = sfn.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
            assertThat(identity.accessKeyId()).isEqualTo("AKIDEXAMPLE");
        }
    }

    @Test
    void snapStartFunctionsUseTheContainerCredentialsEndpoint() {
        AwsClients clients = AwsClients.fromEnvironment(new Environment(Map.of("AWS_REGION", "us-east-1",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", "token")));
        try (SfnClient sfn = clients.sfn()) {
            assertThat(sfn.serviceClientConfiguration().credentialsProvider())
                    .isInstanceOf(ContainerCredentialsProvider.class);
        }
    }

    @Test
    void theAttemptBudgetIsTheOneConfigured() {
        try (AwsJsonStub stub = new AwsJsonStub("AWSStepFunctions")) {
            stub.fail("DescribeExecution", 500, "InternalFailure", "injected");
            AwsClients twoAttempts = new AwsClients(Region.US_EAST_1, AwsEmulator.credentials(),
                    stub.endpoint(), new AwsClients.ClientTimeouts(Duration.ofSeconds(1),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10), 2));
            try (SfnClient sfn = twoAttempts.sfn()) {
                assertThatThrownBy(() -> sfn.describeExecution(r -> r.executionArn(
                        "arn:aws:states:us-east-1:123456789012:execution:m:e")));
            }
            assertThat(stub.requests("DescribeExecution")).hasSize(2);
        }
    }
}
