package dev.stepconnect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    @Test
    void defaultsApplyToMissingAndBlankValues() {
        Environment env = new Environment(Map.of("BLANK", "  "));
        assertThat(env.integer("MISSING", 3, 1, 10)).isEqualTo(3);
        assertThat(env.integer("BLANK", 3, 1, 10)).isEqualTo(3);
        assertThat(env.bool("MISSING", true)).isTrue();
        assertThat(env.metricsNamespace()).isEqualTo("StepConnect");
        assertThat(env.optional("BLANK")).isEmpty();
    }

    @Test
    void parsesAndValidates() {
        Environment env = new Environment(Map.of("N", " 7 ", "B", "TRUE", "MODE", "Direct",
                "STEPCONNECT_METRICS_NAMESPACE", "Custom"));
        assertThat(env.integer("N", 3, 1, 10)).isEqualTo(7);
        assertThat(env.bool("B", false)).isTrue();
        assertThat(env.choice("MODE", "none", "test-state", "direct", "none")).isEqualTo("direct");
        assertThat(env.metricsNamespace()).isEqualTo("Custom");
    }

    @Test
    void errorsNameTheVariableAndTheAcceptedValues() {
        Environment env = new Environment(Map.of("N", "lots", "M", "99", "B", "yes", "MODE", "sometimes"));
        assertThatThrownBy(() -> env.integer("N", 3, 1, 10)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("N").hasMessageContaining("1 and 10");
        assertThatThrownBy(() -> env.integer("M", 3, 1, 10)).hasMessageContaining("M must be between 1 and 10");
        assertThatThrownBy(() -> env.bool("B", false)).hasMessageContaining("'true' or 'false'");
        assertThatThrownBy(() -> env.choice("MODE", "none", "test-state", "direct", "none"))
                .hasMessageContaining("test-state, direct, none");
    }
}
