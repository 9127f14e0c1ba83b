package dev.stepconnect.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RotationLinkTest {

    @Test
    void addsWithoutClobberingOtherConnections() {
        assertThat(RotationLink.add(null, "orders")).isEqualTo("orders");
        assertThat(RotationLink.add("billing", "orders")).isEqualTo("billing,orders");
        assertThat(RotationLink.add("billing, orders", "orders")).isEqualTo("billing,orders");
    }

    @Test
    void removesOnlyTheGivenConnection() {
        assertThat(RotationLink.remove("billing,orders", "orders")).contains("billing");
        assertThat(RotationLink.remove("orders", "orders")).isEmpty();
        assertThat(RotationLink.remove("billing", "orders")).contains("billing");
    }

    @Test
    void refusesATagValueLongerThanSecretsManagerAllows() {
        String full = "c".repeat(250);
        assertThatThrownBy(() -> RotationLink.add(full, "orders"))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("LinkSecretForRotation:");
    }
}
