package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.remediation.RetryBudgetTest.MutableClock;
import dev.stepconnect.testing.CapturedOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TagCacheTest {
    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";

    @Test
    void readsTagsOncePerTtlAndReportsAnInvalidTagOncePerRead() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T06:00:00Z"));
        AtomicInteger reads = new AtomicInteger();
        TagCache cache = new TagCache(arn -> {
            reads.incrementAndGet();
            return Map.of(StateMachineSettings.AUTO_RETRY_TAG, "true", StateMachineSettings.MAX_ATTEMPTS_TAG, "lots");
        }, Duration.ofMinutes(5), clock);

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            for (int i = 0; i < 100; i++) {
                StateMachineSettings settings = cache.settings(MACHINE);
                assertThat(settings.autoRetry()).isTrue();
                assertThat(settings.maxAttempts()).isNull();
            }
            clock.advance(Duration.ofMinutes(5));
            cache.settings(MACHINE);
            lines = output.lines();
        }

        assertThat(reads).hasValue(2);
        assertThat(RemediationFixture.logs(lines, "remediation.tags", "WARN")).hasSize(2)
                .allSatisfy(l -> assertThat(String.valueOf(l.raw("problems"))).contains(StateMachineSettings.MAX_ATTEMPTS_TAG));
    }
}
