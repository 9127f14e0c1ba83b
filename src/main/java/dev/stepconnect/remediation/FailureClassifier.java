package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps (status, error, cause) to an {@link ErrorClass} with an ordered rule table: the first matching
 * rule wins, user rules come before the built-in ones. Patterns are error names with {@code *}
 * wildcards, matched case-insensitively.
 * <p>
 * {@code States.TaskFailed} / {@code States.BranchFailed} say only "something inside failed": when the
 * cause is JSON carrying its own error (a {@code .sync} child execution's DescribeExecution output, a
 * Lambda error object), that inner error is classified instead.
 */
public final class FailureClassifier {
    private static final int MAX_NESTING = 3;
    private static final String TIMEOUT_ERROR = "States.Timeout";
    /**
     * Connection rules come first: {@code Events.ConnectionResource.AccessDenied} is the connection's own
     * set-up, not the generic AccessDenied below. Names from "Call HTTPS APIs in Step Functions workflows",
     * https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html (errors of an HTTP Task).
     */
    private static final List<Rule> BUILT_IN = List.of(
            rule("Events.ConnectionResource.ConcurrentModification", ErrorClass.CONNECTION_BUSY),
            rule("Events.ConnectionResource.AuthInProgress", ErrorClass.CONNECTION_BUSY),
            rule("Events.ConnectionResource.InternalError", ErrorClass.CONNECTION_BUSY),
            rule("Events.ConnectionResource.InvalidConnectionState", ErrorClass.CONNECTION_UNUSABLE),
            rule("Events.ConnectionResource.InvalidPrivateConnectionState", ErrorClass.CONNECTION_UNUSABLE),
            rule("Events.ConnectionResource.AccessDenied", ErrorClass.CONNECTION_MISCONFIGURED),
            rule("Events.ConnectionResource.ResourceNotFound", ErrorClass.CONNECTION_MISCONFIGURED),
            rule("*ThrottlingException", ErrorClass.THROTTLING),
            rule("*TooManyRequestsException", ErrorClass.THROTTLING),
            rule("States.Http.StatusCode.429", ErrorClass.THROTTLING),
            rule("Lambda.ServiceException", ErrorClass.SERVICE_ERROR),
            rule("*AWSLambdaException", ErrorClass.SERVICE_ERROR),
            rule("*SdkClientException", ErrorClass.SERVICE_ERROR),
            rule("States.Http.StatusCode.500", ErrorClass.SERVICE_ERROR),
            rule("States.Http.StatusCode.502", ErrorClass.SERVICE_ERROR),
            rule("States.Http.StatusCode.503", ErrorClass.SERVICE_ERROR),
            rule("States.Http.StatusCode.504", ErrorClass.SERVICE_ERROR),
            rule("States.Http.Socket", ErrorClass.SERVICE_ERROR),
            rule("States.Timeout", ErrorClass.TIMEOUT),
            rule("States.HeartbeatTimeout", ErrorClass.TIMEOUT),
            rule("States.Http.StatusCode.*", ErrorClass.HTTP_ERROR),
            rule("States.Permissions", ErrorClass.PERMISSIONS),
            rule("*AccessDenied*", ErrorClass.PERMISSIONS),
            rule("States.Runtime", ErrorClass.WORKFLOW_ERROR),
            rule("States.DataLimitExceeded", ErrorClass.WORKFLOW_ERROR),
            rule("States.NoChoiceMatched", ErrorClass.WORKFLOW_ERROR),
            rule("States.ResultPathMatchFailure", ErrorClass.WORKFLOW_ERROR),
            rule("States.ParameterPathFailure", ErrorClass.WORKFLOW_ERROR),
            rule("States.IntrinsicFailure", ErrorClass.WORKFLOW_ERROR),
            rule("States.QueryEvaluationError", ErrorClass.WORKFLOW_ERROR),
            rule("States.*", ErrorClass.WORKFLOW_ERROR));

    private final List<Rule> rules;

    /** A pattern (error name, {@code *} wildcards) and the class it yields. */
    public record Rule(String pattern, ErrorClass errorClass, Pattern regex) {
        boolean matches(String error) {
            return regex.matcher(error).matches();
        }
    }

    public FailureClassifier(List<String> userRetryable, List<String> userNonRetryable) {
        List<Rule> all = new ArrayList<>();
        // Non-retryable first: when a user lists the same error in both, not retrying is the safe reading.
        userNonRetryable.forEach(p -> all.add(rule(p, ErrorClass.CONFIGURED_NON_RETRYABLE)));
        userRetryable.forEach(p -> all.add(rule(p, ErrorClass.CONFIGURED_RETRYABLE)));
        all.addAll(BUILT_IN);
        this.rules = List.copyOf(all);
    }

    public static FailureClassifier builtIn() {
        return new FailureClassifier(List.of(), List.of());
    }

    public Classification classify(String status, String error, String cause) {
        if ("ABORTED".equals(status)) {
            return new Classification(ErrorClass.ABORTED, blankToEmpty(error));
        }
        if ("TIMED_OUT".equals(status) && isBlank(error)) {
            // Through the table, not straight to TIMEOUT: a user rule for States.Timeout must apply here too.
            return classifyError(TIMEOUT_ERROR, cause, 0);
        }
        return classifyError(blankToEmpty(error), cause, 0);
    }

    private Classification classifyError(String error, String cause, int depth) {
        if (isWrapper(error) || error.isEmpty()) {
            Optional<Classification> nested = depth < MAX_NESTING ? nestedClassification(cause, depth) : Optional.empty();
            if (nested.isPresent()) {
                return nested.get();
            }
            if (error.isEmpty() || !matchesUserRule(error)) {
                return new Classification(ErrorClass.UNKNOWN, error);
            }
        }
        for (Rule rule : rules) {
            if (rule.matches(error)) {
                return new Classification(rule.errorClass(), error);
            }
        }
        return new Classification(ErrorClass.APPLICATION_ERROR, error);
    }

    private boolean matchesUserRule(String error) {
        return rules.stream().filter(r -> r.errorClass() == ErrorClass.CONFIGURED_RETRYABLE
                || r.errorClass() == ErrorClass.CONFIGURED_NON_RETRYABLE).anyMatch(r -> r.matches(error));
    }

    /** The inner error of a JSON cause: {"Error","Cause"} (.sync child), {"error","cause"}, {"errorType","errorMessage"} (Lambda). */
    private Optional<Classification> nestedClassification(String cause, int depth) {
        if (cause == null || !cause.trim().startsWith("{")) {
            return Optional.empty();
        }
        JsonObject inner;
        try {
            inner = Json.parseObject(cause);
        } catch (JsonException notJson) {
            return Optional.empty();
        }
        String status = firstString(inner, "Status", "status");
        String innerError = firstString(inner, "Error", "error", "errorType");
        String innerCause = firstString(inner, "Cause", "cause", "errorMessage");
        if ("ABORTED".equals(status) || "TIMED_OUT".equals(status)) {
            return Optional.of(classify(status, innerError, innerCause));
        }
        if (innerError.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(classifyError(innerError, innerCause, depth + 1));
    }

    private static String firstString(JsonObject object, String... keys) {
        for (String key : keys) {
            Object value = object.raw(key);
            if (value instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return "";
    }

    private static boolean isWrapper(String error) {
        return "States.TaskFailed".equals(error) || "States.BranchFailed".equals(error);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value.trim();
    }

    static Rule rule(String pattern, ErrorClass errorClass) {
        StringBuilder regex = new StringBuilder();
        for (String literal : pattern.trim().split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(literal));
        }
        return new Rule(pattern.trim(), errorClass,
                Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
    }

    /** Parses a comma-separated pattern list from configuration. */
    public static List<String> patterns(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                result.add(part.trim());
            }
        }
        return List.copyOf(result);
    }
}
