package dev.stepconnect.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealHistoryTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final String V1 = "0123456789abcdef";
    private static final String V2 = "fedcba9876543210";

    @Test
    void roundTripsThroughItsTagValue() {
        HealHistory history = HealHistory.EMPTY.withHeal(NOW.minusSeconds(600), V1).withHeal(NOW, V1).withRefused(V2);
        String rendered = history.render();
        assertThat(rendered).matches("[0-9a-z =]+").hasSizeLessThanOrEqualTo(256);
        assertThat(HealHistory.parse(rendered)).isEqualTo(history);
    }

    @Test
    void countsHealsInASlidingSixtyMinuteWindow() {
        HealHistory history = HealHistory.EMPTY.withHeal(NOW.minus(Duration.ofMinutes(70)), V1)
                .withHeal(NOW.minus(Duration.ofMinutes(50)), V1).withHeal(NOW.minus(Duration.ofMinutes(5)), V1);
        assertThat(history.healsWithin(NOW)).isEqualTo(2);
        assertThat(history.healsWithin(NOW.plus(Duration.ofMinutes(11)))).isEqualTo(1);
        assertThat(history.heals()).as("heals older than the window are dropped when one is added").hasSize(2);
    }

    @Test
    void keepsAtMostTheLargestLimitOfHealsSoTheTagValueFits() {
        HealHistory history = HealHistory.EMPTY;
        for (int i = 0; i < 25; i++) {
            history = history.withHeal(NOW.plusSeconds(i), V1);
        }
        history = history.withRefused(V2);
        assertThat(history.heals()).hasSize(HealHistory.MAX_LIMIT);
        assertThat(history.render().length()).isLessThanOrEqualTo(256);
    }

    @Test
    void aHealOfTheSameVersionMomentsAgoIsRecognised() {
        HealHistory history = HealHistory.EMPTY.withHeal(NOW.minus(Duration.ofMinutes(3)), V1);
        assertThat(history.healedMomentsAgo(V1, NOW)).isTrue();
        assertThat(history.healedMomentsAgo(V2, NOW)).isFalse();
        assertThat(history.healedMomentsAgo(V1, NOW.plus(HealHistory.REFUSAL_WINDOW))).isFalse();
    }

    @Test
    void aHandEditedOrEmptyTagNeverStopsTheGuardian() {
        assertThat(HealHistory.parse(null)).isEqualTo(HealHistory.EMPTY);
        assertThat(HealHistory.parse("  ")).isEqualTo(HealHistory.EMPTY);
        HealHistory parsed = HealHistory.parse("garbage 1700000000 healed=XYZ refused=" + V2 + " 12x");
        assertThat(parsed.heals()).containsExactly(Instant.ofEpochSecond(1700000000));
        assertThat(parsed.healedVersion()).isNull();
        assertThat(parsed.refused(V2)).isTrue();
    }

    @Test
    void tagKeyFitsSecretsManagerLimitsForTheLongestConnectionName() {
        assertThat(HealHistory.tagKey("c".repeat(64)).length()).isLessThanOrEqualTo(128);
    }

    @Test
    void aHealAttemptCountsButRecordsNoVersionUntilItWasApplied() {
        HealHistory attempted = HealHistory.EMPTY.withHeal(NOW.minus(Duration.ofMinutes(30)), V1).withHealAttempt(NOW);
        assertThat(attempted.healsWithin(NOW)).isEqualTo(2);
        assertThat(attempted.healedMomentsAgo(V1, NOW.plusSeconds(60))).as("the write never went through").isFalse();
        assertThat(attempted.withHealed(V1).healedMomentsAgo(V1, NOW.plusSeconds(60))).isTrue();
        assertThat(HealHistory.parse(attempted.render())).isEqualTo(attempted);
    }

    @Test
    void expiresWithoutARecentHealOrARefusalOfTheCurrentVersion() {
        HealHistory healed = HealHistory.EMPTY.withHeal(NOW, V1);
        assertThat(healed.expired(NOW.plus(Duration.ofMinutes(59)), V1)).isFalse();
        assertThat(healed.expired(NOW.plus(Duration.ofMinutes(61)), V1)).isTrue();
        HealHistory refused = healed.withRefused(V1);
        assertThat(refused.expired(NOW.plus(Duration.ofHours(5)), V1)).as("a refusal holds while V1 is current").isFalse();
        assertThat(refused.expired(NOW.plus(Duration.ofHours(5)), V2)).as("lifted by a new AWSCURRENT").isTrue();
        assertThat(HealHistory.parse("not a history").expired(NOW, V1)).isTrue();
    }
}
