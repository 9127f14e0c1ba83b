package dev.stepconnect.rotation;

import dev.stepconnect.config.Environment;
import java.time.Duration;

/** RotationFunction's environment settings (see the configuration reference in docs/rotation.md). */
public record RotationConfig(TestMode testMode, String testRoleArn, Duration connectionWait) {
    public static final String TEST_MODE = "STEPCONNECT_TEST_MODE";
    public static final String TEST_ROLE_ARN = "STEPCONNECT_TEST_ROLE_ARN";
    public static final String WAIT_SECONDS = "STEPCONNECT_WAIT_SECONDS";

    public enum TestMode { TEST_STATE, DIRECT, NONE }

    public static RotationConfig from(Environment env) {
        TestMode mode = switch (env.choice(TEST_MODE, "test-state", "test-state", "direct", "none")) {
            case "direct" -> TestMode.DIRECT;
            case "none" -> TestMode.NONE;
            default -> TestMode.TEST_STATE;
        };
        return new RotationConfig(mode, env.optional(TEST_ROLE_ARN).orElse(null),
                Duration.ofSeconds(env.integer(WAIT_SECONDS, 60, 1, 900)));
    }
}
