package dev.stepconnect.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's first command must keep working: the same story, run on every build. */
@ExtendWith(AwsEmulator.class)
class LocalStoryTest {

    @Test
    void theWholeStoryRunsAndLeaksNoCredential() {
        ByteArrayOutputStream account = new ByteArrayOutputStream();
        try (CapturedOutput logs = CapturedOutput.start()) {
            new LocalStory(AwsEmulator.endpoint(), !AwsEmulator.isExternal(),
                    new PrintStream(account, true, StandardCharsets.UTF_8)).run();
            // The story's API keys are "demo-" + 32 hex digits; none may reach a log line.
            assertThat(logs.text()).doesNotContainPattern("demo-[0-9a-f]{32}");
        }
        assertThat(account.toString(StandardCharsets.UTF_8))
                .contains("CloudFormation got SUCCESS", "finishSecret: done", "rolled back", "started order-1001--retry",
                        "no second retry", "found order-1002 and retried it",
                        "a second sweep recognised order-1002 as already retried", "is gone",
                        "started order-2001--retry2-", "the S3 conditional write refused it", "guardian: SYNC ok")
                .doesNotContainPattern("demo-[0-9a-f]{32}");
    }
}
