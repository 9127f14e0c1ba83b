package dev.stepconnect.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one reading of an AWS error's code. The code ({@code AccessDeniedException}, {@code ThrottlingException}...)
 * is safe to log and to put in a message; the error's own message is not (AWS may quote request fields in it).
 */
public final class AwsErrors {
    /** What {@link #code} answers when the error carries no code (no error details, or a blank code). */
    public static final String UNKNOWN = "unknown";

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
}
