package dev.stepconnect.remediation;

import dev.stepconnect.config.Environment;
import java.time.Duration;

/**
 * RemediationSweepFunction's own settings, next to the RemediationSettings it shares with
 * RemediationFunction. {@code lookback}: how far back a scheduled run looks (1 h to 14 days, the redrive
 * limit); {@code maxExecutions}: most executions one run examines (DescribeExecution calls spent on a
 * decision).
 */
public record SweepSettings(Duration lookback, int maxExecutions) {

    public static SweepSettings from(Environment env) {
        return new SweepSettings(
                Duration.ofHours(env.integer("STEPCONNECT_SWEEP_LOOKBACK_HOURS", 24, 1, 336)),
                env.integer("STEPCONNECT_SWEEP_MAX_EXECUTIONS", 500, 1, 10_000));
    }
}
