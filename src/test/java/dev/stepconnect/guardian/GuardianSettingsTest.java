package dev.stepconnect.guardian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.config.ConfigurationException;
import dev.stepconnect.config.Environment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardianSettingsTest {

    @Test
    void defaultsAreThoseOfTheInterface() {
        GuardianSettings settings = GuardianSettings.from(new Environment(Map.of()));
        assertThat(settings.healLimit()).isEqualTo(3);
        assertThat(settings.rotationStale()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.connectionWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.testMode()).isEqualTo("test-state");
        assertThat(settings.testRoleArn()).isNull();
    }

    @Test
    void aHealLimitThatWouldNotFitTheHistoryTagIsRefusedAtInit() {
        assertThatThrownBy(() -> GuardianSettings.from(new Environment(Map.of("STEPCONNECT_HEAL_LIMIT", "11"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("STEPCONNECT_HEAL_LIMIT");
        assertThatThrownBy(() -> GuardianSettings.from(new Environment(Map.of("STEPCONNECT_TEST_MODE", "maybe"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("STEPCONNECT_TEST_MODE");
        assertThat(GuardianSettings.from(new Environment(Map.of("STEPCONNECT_HEAL_LIMIT", "10",
                "STEPCONNECT_ROTATION_STALE_HOURS", "2"))).rotationStale()).isEqualTo(Duration.ofHours(2));
    }
}
