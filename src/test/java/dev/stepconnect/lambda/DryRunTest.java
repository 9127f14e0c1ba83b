package dev.stepconnect.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;

class DryRunTest {

    @Test
    void aDryRunCallNeverReachesTheEndpointAndARealCallStillDoes() {
        try (AwsJsonStub stub = new AwsJsonStub("AWSStepFunctions"); SfnClient sfn = stub.clients().sfn()) {
            stub.succeed("DescribeExecution", "{\"executionArn\":\"arn:aws:states:us-east-1:123456789012:execution:m:e\","
                    + "\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:m\",\"status\":\"FAILED\","
                    + "\"startDate\":1764050000}");
            String arn = "arn:aws:states:us-east-1:123456789012:execution:m:e";

            DryRun.call(() -> sfn.describeExecution(r -> r.executionArn(arn)));
            assertThat(stub.requests("DescribeExecution")).isEmpty();

            assertThat(sfn.describeExecution(r -> r.executionArn(arn)).statusAsString()).isEqualTo("FAILED");
            assertThat(stub.requests("DescribeExecution")).hasSize(1);
        }
    }

    @Test
    void primingSwallowsAFailingPrimer() {
        try (CapturedOutput logs = CapturedOutput.start()) {
            Priming.of("test", () -> {
                throw new IllegalStateException("boom");
            }).prime();
            assertThat(logs.text()).contains("priming failed");
        }
    }
}
