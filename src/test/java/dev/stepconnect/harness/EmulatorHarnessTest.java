package dev.stepconnect.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.Eventually;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ConnectionAuthorizationType;
import software.amazon.awssdk.services.eventbridge.model.ConnectionState;
import software.amazon.awssdk.services.eventbridge.model.DescribeConnectionResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.RedriveExecutionResponse;
import software.amazon.awssdk.services.sfn.model.SfnException;

/** Proves the test harness itself: real SDK clients, built by our factory, against the emulator and the stub. */
@ExtendWith(AwsEmulator.class)
class EmulatorHarnessTest {

    @Test
    void secretsManagerKeepsVersionsAndStagingLabels() {
        try (SecretsManagerClient secrets = AwsEmulator.clients().secretsManager()) {
            String name = AwsEmulator.uniqueName("harness-secret");
            String arn = secrets.createSecret(r -> r.name(name).secretString("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"v1\"}")).arn();
            secrets.putSecretValue(r -> r.secretId(arn).clientRequestToken("11111111-2222-3333-4444-555555555555")
                    .secretString("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"v2\"}").versionStages("AWSPENDING"));

            List<SecretVersionsListEntry> versions = secrets.listSecretVersionIds(r -> r.secretId(arn)).versions();
            assertThat(versions).hasSize(2);
            assertThat(versions).anySatisfy(v -> assertThat(v.versionStages()).contains("AWSCURRENT"));
            assertThat(versions).anySatisfy(v -> {
                assertThat(v.versionId()).isEqualTo("11111111-2222-3333-4444-555555555555");
                assertThat(v.versionStages()).containsExactly("AWSPENDING");
            });
            assertThat(secrets.getSecretValue(r -> r.secretId(arn).versionStage("AWSPENDING")).secretString()).contains("v2");
        }
    }

    @Test
    void eventBridgeConnectionIsCreatedAndDescribed() {
        try (EventBridgeClient events = AwsEmulator.clients().eventBridge()) {
            String name = AwsEmulator.uniqueName("harness-conn");
            events.createConnection(r -> r.name(name).authorizationType(ConnectionAuthorizationType.API_KEY)
                    .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-api-key").apiKeyValue("v1"))));
            try {
                DescribeConnectionResponse described = events.describeConnection(r -> r.name(name));
                assertThat(described.authorizationType()).isEqualTo(ConnectionAuthorizationType.API_KEY);
                assertThat(described.connectionState()).isIn(ConnectionState.AUTHORIZED, ConnectionState.CREATING,
                        ConnectionState.AUTHORIZING);
                assertThat(described.secretArn()).isNotBlank();
            } finally {
                events.deleteConnection(r -> r.name(name));
            }
        }
    }

    @Test
    void stateMachineRunsToFailed() {
        try (SfnClient sfn = AwsEmulator.clients().sfn()) {
            String definition = """
                    {"StartAt":"Call","States":{
                      "Call":{"Type":"Pass","Next":"Fail"},
                      "Fail":{"Type":"Fail","Error":"Partner.Unavailable","Cause":"partner answered 503"}}}""";
            String machineArn = sfn.createStateMachine(r -> r.name(AwsEmulator.uniqueName("harness-sm")).definition(definition)
                    .roleArn("arn:aws:iam::123456789012:role/harness")).stateMachineArn();
            // Two runs: the second proves the launcher's fix for getmoto/moto#10077.
            for (int run = 0; run < 2; run++) {
                String executionArn = sfn.startExecution(r -> r.stateMachineArn(machineArn).name(AwsEmulator.uniqueName("run")).input("{\"order\":1}"))
                        .executionArn();
                DescribeExecutionResponse execution = Eventually.await(Duration.ofSeconds(30),
                        () -> sfn.describeExecution(r -> r.executionArn(executionArn)),
                        d -> d.status() != ExecutionStatus.RUNNING);
                assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
                assertThat(execution.error()).isEqualTo("Partner.Unavailable");
            }
        }
    }

    @Test
    void stubbedRedriveExecutionMapsAwsErrorsToModeledExceptions() {
        try (AwsJsonStub stub = new AwsJsonStub("AWSStepFunctions"); SfnClient sfn = stub.clients().sfn()) {
            String arn = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1";
            stub.fail("RedriveExecution", 400, "ExecutionNotRedrivable", "Execution is not redrivable: SUCCEEDED");
            assertThatThrownBy(() -> sfn.redriveExecution(r -> r.executionArn(arn)))
                    .isInstanceOf(ExecutionNotRedrivableException.class)
                    .hasMessageContaining("not redrivable");

            stub.reset();
            stub.fail("RedriveExecution", 400, "ExecutionDoesNotExist", "Execution does not exist");
            assertThatThrownBy(() -> sfn.redriveExecution(r -> r.executionArn(arn)))
                    .isInstanceOf(ExecutionDoesNotExistException.class);

            stub.reset();
            stub.failThenSucceed("RedriveExecution", 2, 400, "ThrottlingException",
                    "{\"redriveDate\":1764050000.123}");
            RedriveExecutionResponse response = sfn.redriveExecution(r -> r.executionArn(arn).clientToken("token-1"));
            assertThat(response.redriveDate()).isNotNull();
            assertThat(stub.requests("RedriveExecution")).hasSize(3);

            stub.reset();
            stub.fail("RedriveExecution", 500, "InternalFailure", "injected");
            assertThatThrownBy(() -> sfn.redriveExecution(r -> r.executionArn(arn)))
                    .isInstanceOf(SfnException.class)
                    .satisfies(e -> assertThat(((SfnException) e).statusCode()).isEqualTo(500));
        }
    }
}
