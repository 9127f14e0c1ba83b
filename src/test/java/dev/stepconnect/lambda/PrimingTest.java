package dev.stepconnect.lambda;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.stepconnect.config.Environment;
import dev.stepconnect.connection.ConnectionProviderHandler;
import dev.stepconnect.guardian.GuardianHandler;
import dev.stepconnect.remediation.RemediationHandler;
import dev.stepconnect.remediation.SweepHandler;
import dev.stepconnect.rotation.RotationHandler;
import dev.stepconnect.testing.CapturedOutput;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SnapStart priming exercises every function's hot path and sends nothing anywhere. */
class PrimingTest {

    @Test
    void everyFunctionPrimesWithoutSendingARequest() {
        WireMockServer anyAws = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        anyAws.start();
        try (CapturedOutput logs = CapturedOutput.start()) {
            Environment env = new Environment(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing",
                    "AWS_SECRET_ACCESS_KEY", "testing", "AWS_ENDPOINT_URL", "http://127.0.0.1:" + anyAws.port(),
                    "STEPCONNECT_TEST_MODE", "test-state",
                    "STEPCONNECT_TEST_ROLE_ARN", "arn:aws:iam::123456789012:role/probe",
                    "STEPCONNECT_SCHEDULER_ROLE_ARN", "arn:aws:iam::123456789012:role/scheduler"));
            new ConnectionProviderHandler(env);
            new RotationHandler(env);
            new RemediationHandler(env);
            new SweepHandler(env);
            new GuardianHandler(env);

            Priming.registered().forEach(Priming::prime);

            for (String function : new String[] {"ConnectionProviderFunction", "RotationFunction", "RemediationFunction",
                    "RemediationSweepFunction",
                    "ConnectionGuardianFunction"}) {
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                        .contains("primed for SnapStart").contains("\"function\":\"" + function + "\""));
            }
            assertThat(logs.text()).doesNotContain("priming failed").doesNotContain("priming-credential-value-0000");
            assertThat(logs.emfLines()).isEmpty();
            assertThat(anyAws.getAllServeEvents()).isEmpty();
        } finally {
            anyAws.stop();
        }
    }
}
