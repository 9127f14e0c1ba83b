package dev.stepconnect.probe;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What probing the test endpoint with the pending credential showed. {@code detail} is safe to log:
 * status codes, error names and our own words. A TestState cause is read to classify but never quoted:
 * it can carry the partner's answer to a request that carried the credential (issue #10 §1).
 */
public record ProbeResult(Outcome outcome, String detail) {
    public enum Outcome {
        /** The partner accepted the credential. */
        PASSED,
        /** Definitive: the partner refused the credential (401/403) or the probe cannot succeed as set up. */
        REJECTED,
        /** Unknown yet: timeouts, throttling, 5xx. Retry later; do not roll back. */
        TRANSIENT,
        /**
         * The probe itself could not run because of StepConnect's own configuration (TestState refused for
         * the function's role, or the TestState role lacking a permission to use the connection): no verdict
         * on the credential. Do not roll back; fix and retry.
         */
        MISCONFIGURED
    }

    /** The shape of Step Functions' and AWS's error names; free text (which could quote a request) is not one. */
    private static final Pattern SAFE_ERROR_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public static ProbeResult passed(String detail) {
        return new ProbeResult(Outcome.PASSED, detail);
    }

    public static ProbeResult rejected(String detail) {
        return new ProbeResult(Outcome.REJECTED, detail);
    }

    public static ProbeResult transientFailure(String detail) {
        return new ProbeResult(Outcome.TRANSIENT, detail);
    }

    public static ProbeResult misconfigured(String detail) {
        return new ProbeResult(Outcome.MISCONFIGURED, detail);
    }

    /** Classifies the HTTP status of the test endpoint's answer. */
    public static ProbeResult fromHttpStatus(int status) {
        if (status >= 200 && status < 300) {
            return passed("test endpoint answered " + status);
        }
        // Redirects are not followed, and one often leads an unauthenticated caller to a login page.
        if (status >= 300 && status < 400) {
            return rejected("test endpoint answered " + status + " (a redirect proves nothing about the credential):"
                    + " point stepconnect:test-endpoint at the final URL");
        }
        if (status == 401 || status == 403) {
            return rejected("test endpoint answered " + status + ": the credential under test was refused");
        }
        if (status == 408 || status == 429 || status >= 500) {
            return transientFailure("test endpoint answered " + status);
        }
        // Any other 4xx proves nothing about the credential; promoting an unproven one is the worse mistake.
        return rejected("test endpoint answered " + status + ": check stepconnect:test-endpoint (a side-effect free GET"
                + " that answers 2xx with a valid credential)");
    }

    /**
     * Classifies a Step Functions TestState answer for the HTTP Task: {@code status} SUCCEEDED/FAILED,
     * {@code error} such as {@code States.Http.StatusCode.401}, {@code States.Timeout}.
     */
    public static ProbeResult fromTestState(String status, String error, String cause) {
        if ("SUCCEEDED".equals(status)) {
            return passed("TestState HTTP Task succeeded");
        }
        String prefix = "States.Http.StatusCode.";
        // The cause is never quoted: for a status-code error it is the partner's answer (body, headers), which
        // may echo a credential or a session token; it is still read below to classify the failure.
        String what = "TestState HTTP Task " + status + (error == null ? "" : " with " + errorName(error));
        boolean partnersAnswer = error != null && error.startsWith(prefix);
        if (error == null) {
            return transientFailure(what);
        }
        if (partnersAnswer) {
            try {
                ProbeResult byStatus = fromHttpStatus(Integer.parseInt(error.substring(prefix.length())));
                return new ProbeResult(byStatus.outcome(), what);
            } catch (NumberFormatException ignored) {
                return rejected(what);
            }
        }
        String permission = missingPermission(error, cause);
        if (permission != null) {
            // The role TestState ran the task with could not use the connection: its configuration, not the
            // partner's verdict on the credential.
            return misconfigured(what + " (the TestState role lacks " + permission + ")");
        }
        if (error.equals("States.Timeout") || error.equals("States.Http.Socket") || error.endsWith("ThrottlingException")
                || error.endsWith("ServiceException") || error.endsWith("TooManyRequestsException")
                || CONNECTION_BUSY.contains(error)) {
            return transientFailure(what);
        }
        return rejected(what);
    }

    /**
     * HTTP Task errors about the connection resource being mid-change or failing inside EventBridge (Step Functions
     * "Call HTTPS APIs" page): no verdict on the credential, try again later.
     */
    private static final List<String> CONNECTION_BUSY = List.of("Events.ConnectionResource.AuthInProgress",
            "Events.ConnectionResource.ConcurrentModification", "Events.ConnectionResource.InternalError");

    /** Permissions whose absence a TestState cause names (Step Functions "Call HTTPS APIs" page). */
    private static final List<String> NAMED_PERMISSIONS = List.of("events:RetrieveConnectionCredentials",
            "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "kms:Decrypt", "states:InvokeHTTPEndpoint");

    /**
     * The permission a failed HTTP Task lacked, or null when the failure is not about permissions: the
     * errors {@code States.Permissions} and {@code Events.ConnectionResource.AccessDenied}, or a cause that
     * names one of {@link #NAMED_PERMISSIONS}. An HTTP status error is the partner's answer and never counts.
     */
    static String missingPermission(String error, String cause) {
        if (error.startsWith("States.Http.StatusCode.")) {
            return null;
        }
        String text = cause == null ? "" : cause;
        for (String permission : NAMED_PERMISSIONS) {
            if (text.contains(permission)) {
                return permission;
            }
        }
        if (error.equals("States.Permissions") || error.equals("Events.ConnectionResource.AccessDenied")) {
            return "a permission: states:InvokeHTTPEndpoint, events:RetrieveConnectionCredentials on the connection,"
                    + " secretsmanager:GetSecretValue/DescribeSecret on its events!connection/* secret, kms:Decrypt on a"
                    + " customer managed key";
        }
        return null;
    }

    /** A Step Functions error name as it is ({@code States.Http.StatusCode.401}); anything else is not quoted. */
    private static String errorName(String error) {
        return SAFE_ERROR_NAME.matcher(error).matches() ? error : "an error whose name is withheld";
    }
}
