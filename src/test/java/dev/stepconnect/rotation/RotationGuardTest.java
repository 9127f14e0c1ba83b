package dev.stepconnect.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotationGuardTest {
    private static final String CURRENT = "11111111-1111-1111-1111-111111111111";
    private static final String TOKEN = "22222222-2222-2222-2222-222222222222";

    private static SecretSnapshot secret(boolean enabled, Map<String, List<String>> stages) {
        return new SecretSnapshot("arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf", "s", enabled, stages, Map.of());
    }

    @Test
    void pendingTokenProceeds() {
        SecretSnapshot s = secret(true, Map.of(CURRENT, List.of("AWSCURRENT"), TOKEN, List.of("AWSPENDING")));
        assertThat(RotationGuard.check(s, TOKEN)).isEqualTo(RotationGuard.Decision.PROCEED);
        assertThat(s.versionWith("AWSCURRENT")).contains(CURRENT);
    }

    @Test
    void currentTokenMeansNothingToDo() {
        SecretSnapshot finished = secret(true, Map.of(CURRENT, List.of("AWSPREVIOUS"), TOKEN, List.of("AWSCURRENT")));
        assertThat(RotationGuard.check(finished, TOKEN)).isEqualTo(RotationGuard.Decision.ALREADY_CURRENT);
        SecretSnapshot halfFinished = secret(true, Map.of(TOKEN, List.of("AWSCURRENT", "AWSPENDING")));
        assertThat(RotationGuard.check(halfFinished, TOKEN)).isEqualTo(RotationGuard.Decision.ALREADY_CURRENT);
    }

    @Test
    void rotationMustBeEnabled() {
        SecretSnapshot s = secret(false, Map.of(CURRENT, List.of("AWSCURRENT"), TOKEN, List.of("AWSPENDING")));
        assertThatThrownBy(() -> RotationGuard.check(s, TOKEN)).isInstanceOf(InvalidRotationException.class)
                .hasMessageContaining("rotation enabled");
    }

    @Test
    void tokenMustBeAVersion() {
        SecretSnapshot s = secret(true, Map.of(CURRENT, List.of("AWSCURRENT")));
        assertThatThrownBy(() -> RotationGuard.check(s, TOKEN)).isInstanceOf(InvalidRotationException.class)
                .hasMessageContaining("not a version");
    }

    @Test
    void tokenMustBePending() {
        SecretSnapshot rolledBack = secret(true, Map.of(CURRENT, List.of("AWSCURRENT"), TOKEN, List.of()));
        assertThatThrownBy(() -> RotationGuard.check(rolledBack, TOKEN)).isInstanceOf(InvalidRotationException.class)
                .hasMessageContaining("not AWSPENDING");
        SecretSnapshot previous = secret(true, Map.of(CURRENT, List.of("AWSCURRENT"), TOKEN, List.of("AWSPREVIOUS")));
        assertThatThrownBy(() -> RotationGuard.check(previous, TOKEN)).isInstanceOf(InvalidRotationException.class);
    }
}
