package dev.stepconnect.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RotationLinkTest {

    @Test
    void addsWithoutClobberingOtherConnections() {
        assertThat(RotationLink.add(Optional.empty(), "orders")).isEqualTo("orders");
        assertThat(RotationLink.add(Optional.of("billing"), "orders")).isEqualTo("billing,orders");
        assertThat(RotationLink.add(Optional.of("billing, orders"), "orders")).isEqualTo("billing,orders");
    }

    @Test
    void removesOnlyTheGivenConnection() {
        assertThat(RotationLink.remove(Optional.of("billing,orders"), "orders")).contains("billing");
        assertThat(RotationLink.remove(Optional.of("orders"), "orders")).isEmpty();
        assertThat(RotationLink.remove(Optional.of("billing"), "orders")).contains("billing");
    }

    @Test
    void refusesATagValueLongerThanSecretsManagerAllows() {
        String full = "c".repeat(250);
        assertThatThrownBy(() -> RotationLink.add(Optional.of(full), "orders"))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("LinkSecretForRotation:");
    }
}
