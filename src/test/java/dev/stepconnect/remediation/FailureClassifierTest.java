package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {
    private final FailureClassifier classifier = FailureClassifier.builtIn();

    /** Every retryable entry of aws-facts.md ("Step Functions failures"). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Lambda.ServiceException, SERVICE_ERROR",
            "Lambda.AWSLambdaException, SERVICE_ERROR",
            "Lambda.SdkClientException, SERVICE_ERROR",
            "Lambda.TooManyRequestsException, THROTTLING",
            "DynamoDB.ThrottlingException, THROTTLING",
            "SecretsManager.ThrottlingException, THROTTLING",
            "States.Timeout, TIMEOUT",
            "States.HeartbeatTimeout, TIMEOUT",
            "States.Http.StatusCode.429, THROTTLING",
            "States.Http.StatusCode.500, SERVICE_ERROR",
            "States.Http.StatusCode.502, SERVICE_ERROR",
            "States.Http.StatusCode.503, SERVICE_ERROR",
            "States.Http.StatusCode.504, SERVICE_ERROR",
            "States.Http.Socket, SERVICE_ERROR",
            "Events.ConnectionResource.ConcurrentModification, CONNECTION_BUSY",
            "Events.ConnectionResource.AuthInProgress, CONNECTION_BUSY",
            "Events.ConnectionResource.InternalError, CONNECTION_BUSY",
            "Events.ConnectionResource.InvalidConnectionState, CONNECTION_UNUSABLE",
            "Events.ConnectionResource.InvalidPrivateConnectionState, CONNECTION_UNUSABLE"})
    void retryableErrors(String error, ErrorClass expected) {
        Classification result = classifier.classify("FAILED", error, "cause text");
        assertThat(result.errorClass()).isEqualTo(expected);
        assertThat(result.errorClass().retryable()).isTrue();
        assertThat(result.decidingError()).isEqualTo(error);
    }

    /** Every non-retryable entry of aws-facts.md. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "States.Runtime, WORKFLOW_ERROR",
            "States.DataLimitExceeded, WORKFLOW_ERROR",
            "States.Permissions, PERMISSIONS",
            "AccessDeniedException, PERMISSIONS",
            "Lambda.AccessDeniedException, PERMISSIONS",
            "S3.AccessDenied, PERMISSIONS",
            "KMS.KMSAccessDeniedException, PERMISSIONS",
            "States.NoChoiceMatched, WORKFLOW_ERROR",
            "States.ParameterPathFailure, WORKFLOW_ERROR",
            "States.ResultPathMatchFailure, WORKFLOW_ERROR",
            "States.IntrinsicFailure, WORKFLOW_ERROR",
            "States.QueryEvaluationError, WORKFLOW_ERROR",
            "States.Http.StatusCode.400, HTTP_ERROR",
            "States.Http.StatusCode.401, HTTP_ERROR",
            "States.Http.StatusCode.403, HTTP_ERROR",
            "States.Http.StatusCode.404, HTTP_ERROR",
            "States.Http.StatusCode.409, HTTP_ERROR",
            "States.Http.StatusCode.501, HTTP_ERROR",
            "Partner.InvalidOrder, APPLICATION_ERROR",
            "OrderRejected, APPLICATION_ERROR",
            "Events.ConnectionResource.AccessDenied, CONNECTION_MISCONFIGURED",
            "Events.ConnectionResource.ResourceNotFound, CONNECTION_MISCONFIGURED"})
    void nonRetryableErrors(String error, ErrorClass expected) {
        Classification result = classifier.classify("FAILED", error, "cause text");
        assertThat(result.errorClass()).isEqualTo(expected);
        assertThat(result.errorClass().retryable()).isFalse();
    }

    @Test
    void timedOutExecutionIsATimeout() {
        assertThat(classifier.classify("TIMED_OUT", null, null).errorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(classifier.classify("TIMED_OUT", "States.Timeout", "").errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    }

    @Test
    void abortedIsAbortedWhateverTheError() {
        assertThat(classifier.classify("ABORTED", null, null).errorClass()).isEqualTo(ErrorClass.ABORTED);
        assertThat(classifier.classify("ABORTED", "States.Timeout", null).errorClass()).isEqualTo(ErrorClass.ABORTED);
    }

    @Test
    void taskFailedLooksAtTheNestedErrorOfASyncChild() {
        String cause = """
                {"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:child:run-1","Status":"FAILED",
                 "Error":"States.Http.StatusCode.503","Cause":"partner unavailable"}""";
        Classification result = classifier.classify("FAILED", "States.TaskFailed", cause);
        assertThat(result.errorClass()).isEqualTo(ErrorClass.SERVICE_ERROR);
        assertThat(result.decidingError()).isEqualTo("States.Http.StatusCode.503");

        String lowerCase = "{\"error\":\"States.Permissions\",\"cause\":\"not allowed\"}";
        assertThat(classifier.classify("FAILED", "States.TaskFailed", lowerCase).errorClass())
                .isEqualTo(ErrorClass.PERMISSIONS);
    }

    @Test
    void nestedChildrenAreFollowedAFewLevelsDeep() {
        String grandChild = "{\"Error\":\"Lambda.TooManyRequestsException\",\"Cause\":\"rate\"}";
        String child = "{\"Status\":\"FAILED\",\"Error\":\"States.TaskFailed\",\"Cause\":" + quote(grandChild) + "}";
        assertThat(classifier.classify("FAILED", "States.TaskFailed", child).errorClass()).isEqualTo(ErrorClass.THROTTLING);
    }

    @Test
    void nestedChildTimedOutOrAborted() {
        assertThat(classifier.classify("FAILED", "States.TaskFailed", "{\"Status\":\"TIMED_OUT\"}").errorClass())
                .isEqualTo(ErrorClass.TIMEOUT);
        assertThat(classifier.classify("FAILED", "States.TaskFailed", "{\"Status\":\"ABORTED\"}").errorClass())
                .isEqualTo(ErrorClass.ABORTED);
    }

    @Test
    void lambdaErrorObjectInCause() {
        String cause = "{\"errorType\":\"Lambda.ServiceException\",\"errorMessage\":\"boom\"}";
        assertThat(classifier.classify("FAILED", "States.TaskFailed", cause).errorClass()).isEqualTo(ErrorClass.SERVICE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain text cause", "{not json", "{\"foo\":1}", "[1,2]"})
    void taskFailedWithoutAUsableCauseIsUnknownAndNotRetried(String cause) {
        for (String wrapper : List.of("States.TaskFailed", "States.BranchFailed")) {
            Classification result = classifier.classify("FAILED", wrapper, cause);
            assertThat(result.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
            assertThat(result.errorClass().retryable()).isFalse();
        }
    }

    @Test
    void failedWithoutAnyErrorIsUnknown() {
        assertThat(classifier.classify("FAILED", null, null).errorClass()).isEqualTo(ErrorClass.UNKNOWN);
    }

    @Test
    void userRulesComeFirstAndNonRetryableWinsATie() {
        FailureClassifier custom = new FailureClassifier(
                FailureClassifier.patterns("Partner.*, States.TaskFailed"),
                FailureClassifier.patterns("States.Timeout,Partner.Fatal"));
        assertThat(custom.classify("FAILED", "Partner.Unavailable", null).errorClass()).isEqualTo(ErrorClass.CONFIGURED_RETRYABLE);
        assertThat(custom.classify("FAILED", "Partner.Fatal", null).errorClass()).isEqualTo(ErrorClass.CONFIGURED_NON_RETRYABLE);
        assertThat(custom.classify("FAILED", "States.Timeout", null).errorClass()).isEqualTo(ErrorClass.CONFIGURED_NON_RETRYABLE);
        assertThat(custom.classify("FAILED", "States.TaskFailed", "opaque").errorClass()).isEqualTo(ErrorClass.CONFIGURED_RETRYABLE);
        assertThat(custom.classify("FAILED", "States.Http.StatusCode.503", null).errorClass()).isEqualTo(ErrorClass.SERVICE_ERROR);
    }

    @Test
    void userRuleForStatesTimeoutAlsoCoversATimedOutExecutionWithoutError() {
        FailureClassifier custom = new FailureClassifier(List.of(), FailureClassifier.patterns("States.Timeout"));
        Classification result = custom.classify("TIMED_OUT", null, null);
        assertThat(result.errorClass()).isEqualTo(ErrorClass.CONFIGURED_NON_RETRYABLE);
        assertThat(result.decidingError()).isEqualTo("States.Timeout");
    }

    @Test
    void patternListParsing() {
        assertThat(FailureClassifier.patterns(" a , ,b*,")).containsExactly("a", "b*");
        assertThat(FailureClassifier.patterns(null)).isEmpty();
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
