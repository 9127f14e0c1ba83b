package dev.stepconnect.remediation;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.stepconnect.config.Environment;
import dev.stepconnect.lambda.Priming;
import dev.stepconnect.testing.CapturedOutput;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Express path is primed too (payload decoding, FilterLogEvents, the ledger's PutObject), sending nothing. */
class ExpressPrimingTest {

    @Test
    void theExpressPathPrimesWithoutSendingARequest() {
        WireMockServer anyAws = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        anyAws.start();
        try (CapturedOutput logs = CapturedOutput.start()) {
            new RemediationHandler(new Environment(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing",
                    "AWS_SECRET_ACCESS_KEY", "testing", "AWS_ENDPOINT_URL", "http://127.0.0.1:" + anyAws.port(),
                    "STEPCONNECT_RETRY_LEDGER_BUCKET", "stepconnect-ledger")));

            Priming.registered().forEach(Priming::prime);

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("primed for SnapStart")
                    .contains("\"function\":\"RemediationFunction (Express)\""));
            assertThat(logs.text()).doesNotContain("priming failed");
            assertThat(logs.emfLines()).isEmpty();
            assertThat(anyAws.getAllServeEvents()).isEmpty();
        } finally {
            anyAws.stop();
        }
    }
}
