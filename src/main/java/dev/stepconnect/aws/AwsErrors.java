package dev.stepconnect.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** What StepConnect may say about an AWS error: its code, never its message (which can echo a request's values). */
public final class AwsErrors {
    private AwsErrors() {
    }

    /** The AWS error code of {@code e}, or {@code unknown} when the response carried none. */
    public static String code(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null || code.isBlank() ? "unknown" : code;
    }
}
