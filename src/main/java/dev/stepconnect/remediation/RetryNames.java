package dev.stepconnect.remediation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic names that make retries exactly-once without a database: every delivery of the same
 * failure (executionArn + redriveCount) derives the same redrive clientToken, the same schedule name
 * and the same new-execution name, so a second attempt is refused by AWS (ConflictException,
 * ExecutionAlreadyExists) or absorbed (clientToken) instead of retrying twice.
 * <p>
 * A new execution's name carries its attempt number ({@code <root>--retry<N>-<hash>}) because a fresh
 * execution starts again at redriveCount 0: the attempt cap must survive the restart.
 */
public final class RetryNames {
    static final int MAX_EXECUTION_NAME = 80;
    private static final String SCHEDULE_PREFIX = "stepconnect-";
    private static final int SCHEDULE_MACHINE_CHARS = 20;
    private static final Pattern RETRY_NAME = Pattern.compile("^(.*)--retry(\\d{1,3})-[0-9a-f]{8}$");
    private static final Pattern NOT_NAME_CHAR = Pattern.compile("[^A-Za-z0-9_-]");

    private RetryNames() {
    }

    /** The attempt number the execution started as: N for {@code --retryN-} names, otherwise 1. */
    public static int startingAttempt(String executionName) {
        Matcher m = RETRY_NAME.matcher(executionName);
        return m.matches() ? Math.max(1, Integer.parseInt(m.group(2))) : 1;
    }

    /** Name of the new execution that retries the given failure as attempt {@code attempt} (≤ 80 chars). */
    public static String retryExecutionName(FailureEvent event, int attempt) {
        Matcher m = RETRY_NAME.matcher(event.executionName());
        String root = m.matches() ? m.group(1) : event.executionName();
        String suffix = "--retry" + attempt + "-" + hash(failureKey(event)).substring(0, 8);
        String safeRoot = NOT_NAME_CHAR.matcher(root).replaceAll("_");
        int room = MAX_EXECUTION_NAME - suffix.length();
        return (safeRoot.length() > room ? safeRoot.substring(0, room) : safeRoot) + suffix;
    }

    /** ARN of the execution named {@code name} of the same state machine as the failed one. */
    public static String siblingExecutionArn(FailureEvent event, String name) {
        String arn = event.executionArn();
        return arn.substring(0, arn.lastIndexOf(':') + 1) + name;
    }

    /** RedriveExecution clientToken (≤ 64 chars); AWS honours it for 15 minutes. */
    public static String redriveClientToken(FailureEvent event) {
        return "stepconnect-" + hash(failureKey(event)).substring(0, 40);
    }

    /**
     * Prefix shared by all retry schedules of one state machine: counting schedules with it
     * (ListSchedules NamePrefix) gives the retries pending for that machine across all containers.
     */
    public static String schedulePrefix(String baseStateMachineArn, String stateMachineName) {
        String readable = NOT_NAME_CHAR.matcher(stateMachineName).replaceAll("_");
        if (readable.length() > SCHEDULE_MACHINE_CHARS) {
            readable = readable.substring(0, SCHEDULE_MACHINE_CHARS);
        }
        return SCHEDULE_PREFIX + readable + "-" + hash(baseStateMachineArn).substring(0, 8) + "-";
    }

    /** Schedule name for the delayed retry of this failure (≤ 64 chars, [0-9A-Za-z_-]). */
    public static String scheduleName(FailureEvent event) {
        return schedulePrefix(event.baseStateMachineArn(), event.stateMachineName())
                + hash(failureKey(event)).substring(0, 20);
    }

    private static String failureKey(FailureEvent event) {
        return event.executionArn() + "#" + event.redriveCount();
    }

    static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
