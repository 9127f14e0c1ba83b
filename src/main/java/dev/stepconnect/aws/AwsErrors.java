package dev.stepconnect.aws;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * AWS error text can quote the request (a validation message naming the value it refused), so an
 * error from a request that carried a credential (CreateConnection, UpdateConnection,
 * PutSecretValue) must never reach a log line, a CloudFormation Reason or an invocation result with
 * its text. Short credentials cannot be masked reliably once they are inside free text, so the text
 * is dropped at the edge instead.
 */
public final class AwsErrors {
    /** What replaces AWS's message: our words, no part of the request. */
    public static final String WITHHELD = "AWS's error text is withheld because the request carried a credential";

    private AwsErrors() {
    }

    /**
     * The same exception (same modeled type, so callers still catch {@code ResourceAlreadyExistsException},
     * {@code ConcurrentModificationException} and the like; same error code, HTTP status and request id,
     * so retry and throttling decisions are unchanged) with AWS's message, raw response body, headers,
     * cause and suppressed earlier attempts removed.
     *
     * @param operation the API operation, e.g. {@code CreateConnection}, named in the new message
     */
    public static AwsServiceException withoutText(AwsServiceException error, String operation) {
        AwsErrorDetails details = error.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "unknown" : details.errorCode();
        String message = operation + " failed with " + code + " (HTTP " + error.statusCode() + "); " + WITHHELD;
        AwsServiceException.Builder copy = error.toBuilder()
                .message(message)
                .cause(null)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(WITHHELD)
                        .serviceName(details == null ? null : details.serviceName())
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(error.statusCode()).build())
                        .build());
        AwsServiceException sanitized = copy.build();
        sanitized.setStackTrace(error.getStackTrace());
        return sanitized;
    }
}
