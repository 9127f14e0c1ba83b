package dev.stepconnect.guardian;

import dev.stepconnect.config.Environment;
import java.time.Duration;

/**
 * ConnectionGuardianFunction's environment (README, configuration reference).
 *
 * @param healLimit STEPCONNECT_HEAL_LIMIT: most heals of one connection in any 60-minute window (1-10, default 3)
 * @param rotationStale STEPCONNECT_ROTATION_STALE_HOURS: an AWSPENDING version older than this no longer
 *                      counts as a rotation in progress (1-720 h, default 24)
 * @param connectionWait STEPCONNECT_WAIT_SECONDS: longest wait for a connection to reach AUTHORIZED/ACTIVE (default 60)
 * @param testMode STEPCONNECT_TEST_MODE: how a healed connection is proven when its secret has a test endpoint
 *                 ({@code test-state}, {@code direct}, {@code none}; default {@code test-state}, as for rotation)
 * @param testRoleArn STEPCONNECT_TEST_ROLE_ARN: role TestState runs the HTTP Task with
 */
public record GuardianSettings(int healLimit, Duration rotationStale, Duration connectionWait, String testMode,
                               String testRoleArn) {

    public static GuardianSettings from(Environment env) {
        return new GuardianSettings(
                env.integer("STEPCONNECT_HEAL_LIMIT", 3, 1, HealHistory.MAX_LIMIT),
                Duration.ofHours(env.integer("STEPCONNECT_ROTATION_STALE_HOURS", 24, 1, 720)),
                Duration.ofSeconds(env.integer("STEPCONNECT_WAIT_SECONDS", 60, 1, 900)),
                env.choice("STEPCONNECT_TEST_MODE", "test-state", "test-state", "direct", "none"),
                env.optional("STEPCONNECT_TEST_ROLE_ARN").orElse(null));
    }
}
