package dev.stepconnect.probe;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.json.Json;
import dev.stepconnect.lambda.Deadline;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InspectionLevel;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.TestStateResponse;

/**
 * Proves the credential through the path production uses: Step Functions TestState runs one HTTP
 * Task ({@code arn:aws:states:::http:invoke}) that authenticates with the connection, so the
 * connection's managed secret, the role's permissions and the partner's answer are all exercised.
 */
public final class TestStateProbe implements CredentialProbe {
    private final SfnClient sfn;
    private final String roleArn;

    public TestStateProbe(SfnClient sfn, String roleArn) {
        this.sfn = sfn;
        this.roleArn = roleArn;
    }

    static String definition(URI endpoint, String connectionArn) {
        return Json.write(Map.of(
                "Type", "Task",
                "Resource", "arn:aws:states:::http:invoke",
                "Parameters", Map.of(
                        "ApiEndpoint", endpoint.toString(),
                        "Method", "GET",
                        "Authentication", Map.of("ConnectionArn", connectionArn)),
                "End", true));
    }

    @Override
    public Optional<String> misconfiguration() {
        return roleArn != null ? Optional.empty() : Optional.of("STEPCONNECT_TEST_MODE is test-state but"
                + " STEPCONNECT_TEST_ROLE_ARN is not set: give the role TestState runs the HTTP Task with, or set"
                + " STEPCONNECT_TEST_MODE to direct or none");
    }

    @Override
    public ProbeResult probe(URI endpoint, ConnectionDescription connection, Credential credential, Deadline deadline) {
        Duration timeLeft = deadline.remaining();
        if (timeLeft.isZero()) {
            return ProbeResult.transientFailure("no time left in this invocation to run TestState");
        }
        TestStateResponse response;
        try {
            response = sfn.testState(r -> r.definition(definition(endpoint, connection.arn())).roleArn(roleArn).input("{}")
                    // INFO answers status, error and cause only: no HTTP request or response data comes back.
                    .inspectionLevel(InspectionLevel.INFO)
                    // The HTTP Task may run 60 s; stop in time for the rollback that a failure needs.
                    .overrideConfiguration(o -> o.apiCallTimeout(timeLeft)));
        } catch (SfnException e) {
            int status = e.statusCode();
            String code = AwsErrors.code(e);
            String detail = "TestState call failed: " + code + " (HTTP " + status + ")";
            if (status >= 500 || status == 429 || e.isThrottlingException()) {
                return ProbeResult.transientFailure(detail);
            }
            // The partner's verdict comes back as a FAILED TestState result, never as an exception: an
            // error from the API itself (AccessDenied, Validation, InvalidArn...) is about this
            // function's set-up and says nothing about the credential under test.
            return ProbeResult.misconfigured(detail + ": Step Functions refused to run the probe. Check that the"
                    + " function's role allows states:TestState and iam:PassRole on STEPCONNECT_TEST_ROLE_ARN (" + roleArn
                    + "), and that this role exists and trusts states.amazonaws.com");
        } catch (SdkClientException e) {
            return ProbeResult.transientFailure("TestState call did not complete: " + e.getClass().getSimpleName());
        }
        ProbeResult result = ProbeResult.fromTestState(response.statusAsString(), response.error(), response.cause());
        if (result.outcome() == ProbeResult.Outcome.MISCONFIGURED) {
            return ProbeResult.misconfigured(result.detail() + ": grant it to the TestState role " + roleArn
                    + " (STEPCONNECT_TEST_ROLE_ARN)");
        }
        return result;
    }
}
