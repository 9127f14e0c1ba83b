package dev.stepconnect.remediation;

import dev.stepconnect.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one sweep run looks at. A scheduled run (its schedule's Input {@code {"sweep":"scheduled"}}, or a
 * plain EventBridge "Scheduled Event") covers every opted-in state machine over the lookback window; an
 * on-demand run ({@code aws lambda invoke} with {@code {"stateMachineArn", "since", "until", "errors",
 * "statuses", "dryRun", "maxRetries"}}) covers one state machine.
 * <p>
 * {@code since}/{@code until} bound an execution's stop date. {@code since} may be at most 14 days back:
 * RedriveExecution refuses executions that stopped longer ago
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html). {@code errors} are
 * error-name patterns with {@code *} wildcards, matched case-insensitively against the execution's error
 * and the error inside a {@code States.TaskFailed} cause (the same matching as
 * STEPCONNECT_RETRYABLE_ERRORS). {@code maxRetries} is null when the run's other bounds apply alone.
 */
public record SweepFilter(boolean scheduled, String stateMachineArn, Instant since, Instant until,
                          List<String> errors, List<String> statuses, boolean dryRun, Integer maxRetries) {

    /** Step Functions keeps a stopped execution redrivable for 14 days. */
    public static final Duration LONGEST_LOOKBACK = Duration.ofDays(14);
    public static final List<String> DEFAULT_STATUSES = List.of("FAILED", "TIMED_OUT");
    static final Set<String> ALLOWED_STATUSES = Set.of("FAILED", "TIMED_OUT", "ABORTED");
    static final int MAX_PATTERNS = 20;
    /** Step Functions error names are at most 256 characters. */
    static final int MAX_PATTERN_LENGTH = 256;
    static final int MAX_RETRIES_LIMIT = 10_000;
    static final String SCHEDULED_MARKER = "sweep";
    private static final Set<String> FIELDS = Set.of("stateMachineArn", "since", "until", "errors", "statuses",
            "dryRun", "maxRetries");
    /** An unqualified Standard state machine ARN (names: 1-80 characters, see CreateStateMachine). */
    private static final Pattern STATE_MACHINE_ARN = Pattern.compile(
            "^arn:aws[a-z-]*:states:[a-z]{2}(-[a-z]+)+-\\d:\\d{12}:stateMachine:[^:/\\s]{1,80}$");
    private static final Pattern PATTERN_CHARS = Pattern.compile("^[\\x21-\\x7E]+$");

    public SweepFilter {
        errors = List.copyOf(errors);
        statuses = List.copyOf(statuses);
    }

    /** The scheduled run: every opted-in state machine, failures that stopped in the last {@code lookback}. */
    public static SweepFilter scheduledRun(Instant now, Duration lookback) {
        return new SweepFilter(true, null, now.minus(lookback), now, List.of(), DEFAULT_STATUSES, false, null);
    }

    /** True for the schedule's own event (its explicit Input, or EventBridge's Scheduled Event). */
    public static boolean isScheduledEvent(JsonObject payload) {
        Object marker = payload.raw(SCHEDULED_MARKER);
        if ("scheduled".equals(marker) && payload.asMap().size() == 1) {
            return true;
        }
        return "aws.events".equals(payload.raw("source")) && "Scheduled Event".equals(payload.raw("detail-type"));
    }

    /**
     * Reads an on-demand filter; every broken rule is an {@link InvalidSweepFilterException} naming the
     * field. {@code lookback} is the default window when {@code since} is absent.
     */
    public static SweepFilter onDemand(JsonObject payload, Instant now, Duration lookback) {
        for (String field : payload.asMap().keySet()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidSweepFilterException(field, "unknown field (allowed: " + String.join(", ",
                        List.of("stateMachineArn", "since", "until", "errors", "statuses", "dryRun", "maxRetries")) + ")");
            }
        }
        String arn = text(payload, "stateMachineArn");
        if (arn == null) {
            throw new InvalidSweepFilterException("stateMachineArn", "required");
        }
        if (!STATE_MACHINE_ARN.matcher(arn).matches()) {
            throw new InvalidSweepFilterException("stateMachineArn",
                    "must be a state machine ARN arn:aws:states:<region>:<account>:stateMachine:<name> (no alias or version)");
        }
        Instant until = instant(payload, "until", now);
        Instant since = instant(payload, "since", until.minus(lookback));
        if (since.isBefore(now.minus(LONGEST_LOOKBACK))) {
            throw new InvalidSweepFilterException("since", "must be at most 14 days back (AWS redrives executions"
                    + " for 14 days after they stop)");
        }
        if (!since.isBefore(until)) {
            throw new InvalidSweepFilterException("since", "must be before 'until'");
        }
        List<String> errors = patterns(payload);
        List<String> statuses = statuses(payload);
        boolean dryRun = bool(payload, "dryRun");
        Integer maxRetries = maxRetries(payload);
        return new SweepFilter(false, arn, since, until, errors, statuses, dryRun, maxRetries);
    }

    /** Whether the failure's error or its deciding (nested) error matches one of {@code errors}; no patterns match all. */
    public boolean matchesError(String error, String decidingError) {
        if (errors.isEmpty()) {
            return true;
        }
        for (String pattern : errors) {
            FailureClassifier.Rule rule = FailureClassifier.rule(pattern, ErrorClass.CONFIGURED_RETRYABLE);
            if ((error != null && rule.matches(error)) || (decidingError != null && rule.matches(decidingError))) {
                return true;
            }
        }
        return false;
    }

    /** The stop date lies in [since, until]. */
    public boolean inWindow(Instant stopDate) {
        return stopDate != null && !stopDate.isBefore(since) && !stopDate.isAfter(until);
    }

    /** The filter as the report echoes it. */
    Map<String, Object> describe() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("scheduled", scheduled);
        if (stateMachineArn != null) {
            out.put("stateMachineArn", stateMachineArn);
        }
        out.put("since", since.toString());
        out.put("until", until.toString());
        out.put("errors", errors);
        out.put("statuses", statuses);
        out.put("dryRun", dryRun);
        out.put("maxRetries", maxRetries);
        return out;
    }

    private static String text(JsonObject payload, String field) {
        Object value = payload.raw(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new InvalidSweepFilterException(field, "must be a string");
        }
        return s.trim();
    }

    private static Instant instant(JsonObject payload, String field, Instant fallback) {
        String value = text(payload, field);
        if (value == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidSweepFilterException(field, "must be an ISO-8601 date-time with an offset,"
                    + " e.g. 2026-11-24T00:00:00Z");
        }
    }

    private static List<String> patterns(JsonObject payload) {
        List<String> values = strings(payload, "errors");
        if (values.size() > MAX_PATTERNS) {
            throw new InvalidSweepFilterException("errors", "at most " + MAX_PATTERNS + " patterns");
        }
        for (String pattern : values) {
            if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH || !PATTERN_CHARS.matcher(pattern).matches()
                    || pattern.contains("**")) {
                throw new InvalidSweepFilterException("errors", "each pattern is an error name of 1-" + MAX_PATTERN_LENGTH
                        + " printable ASCII characters without spaces, '*' matching any run of characters (no '**')");
            }
        }
        return values;
    }

    private static List<String> statuses(JsonObject payload) {
        if (payload.raw("statuses") == null) {
            return DEFAULT_STATUSES;
        }
        Set<String> values = new LinkedHashSet<>(strings(payload, "statuses"));
        if (values.isEmpty() || !ALLOWED_STATUSES.containsAll(values)) {
            throw new InvalidSweepFilterException("statuses", "a non-empty list of FAILED, TIMED_OUT, ABORTED");
        }
        return List.copyOf(values);
    }

    private static List<String> strings(JsonObject payload, String field) {
        Object value = payload.raw(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidSweepFilterException(field, "must be a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new InvalidSweepFilterException(field, "must be a list of strings");
            }
            result.add(s.trim());
        }
        return result;
    }

    private static boolean bool(JsonObject payload, String field) {
        Object value = payload.raw(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw new InvalidSweepFilterException(field, "must be true or false");
        }
        return b;
    }

    private static Integer maxRetries(JsonObject payload) {
        Object value = payload.raw("maxRetries");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.longValue() < 1 || n.longValue() > MAX_RETRIES_LIMIT) {
            throw new InvalidSweepFilterException("maxRetries", "must be a whole number from 1 to " + MAX_RETRIES_LIMIT);
        }
        return n.intValue();
    }
}
