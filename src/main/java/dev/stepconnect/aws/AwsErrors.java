package dev.stepconnect.aws;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The one reading of AWS errors. The code ({@code AccessDeniedException}, {@code ThrottlingException}...)
 * is safe to log and to put in a message; the error's own text is not: it can quote the request (a
 * validation message naming the value it refused), so an error from a request that carried a credential
 * (CreateConnection, UpdateConnection, PutSecretValue) must never reach a log line, a CloudFormation
 * Reason or an invocation result with its text. Short credentials cannot be masked reliably once they
 * are inside free text, so the text is dropped at the edge instead ({@link #withoutText}).
 */
public final class AwsErrors {
    /** What {@link #code} answers when the error carries no code (no error details, or a blank code). */
    public static final String UNKNOWN = "unknown";
    /** What replaces AWS's message: our words, no part of the request. */
    public static final String WITHHELD = "AWS's error text is withheld because the request carried a credential";

    private AwsErrors() {
    }

    /** The AWS error code of {@code e}, or {@value #UNKNOWN}. */
    public static String code(AwsServiceException e) {
        if (e == null || e.awsErrorDetails() == null) {
            return UNKNOWN;
        }
        String code = e.awsErrorDetails().errorCode();
        return code == null || code.isBlank() ? UNKNOWN : code;
    }

    /** True when {@code e} carries exactly the given AWS error code. */
    public static boolean is(AwsServiceException e, String code) {
        return code.equals(code(e));
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
        String code = code(error);
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
