package dev.stepconnect.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialFields;
import dev.stepconnect.log.Redaction;
import org.junit.jupiter.api.Test;

class RandomCredentialGeneratorTest {
    private final RandomCredentialGenerator generator = new RandomCredentialGenerator();

    @Test
    void newApiKeyKeepsTheHeaderName() {
        Credential.ApiKey next = (Credential.ApiKey) generator.next(new Credential.ApiKey("x-api-key", "old-value"));
        assertThat(next.apiKeyName()).isEqualTo("x-api-key");
        assertThat(next.apiKeyValue()).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo("old-value");
        assertThat(Redaction.scrub("key " + next.apiKeyValue())).isEqualTo("key " + Redaction.MASK);
    }

    @Test
    void newPasswordKeepsTheUser() {
        Credential.Basic first = (Credential.Basic) generator.next(new Credential.Basic("alice", "old"));
        Credential.Basic second = (Credential.Basic) generator.next(new Credential.Basic("alice", "old"));
        assertThat(first.username()).isEqualTo("alice");
        assertThat(first.password()).isNotEqualTo(second.password());
    }

    @Test
    void oauthClientSecretsAreRefused() {
        assertThatThrownBy(() -> generator.next(new Credential.OAuthClientCredentials("id", "secret",
                "https://auth.example.com/token", "POST")))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("identity provider");
    }

    @Test
    void neverProducesACharacterEventBridgeRefuses() {
        // Every byte value, at every position of the Base64 groups: the whole output alphabet is exercised.
        java.security.SecureRandom everyByte = new java.security.SecureRandom() {
            private int next;

            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) next++;
                }
            }
        };
        RandomCredentialGenerator deterministic = new RandomCredentialGenerator(() -> everyByte);
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 64; i++) {
            String value = ((Credential.ApiKey) deterministic.next(new Credential.ApiKey("x-api-key", "old"))).apiKeyValue();
            assertThat(CredentialFields.violation(value)).as(value).isEmpty();
            value.chars().forEach(seen::add);
        }
        assertThat(seen).hasSize(64).allMatch(CredentialFields::isAllowed);
        for (int i = 0; i < 200; i++) {
            assertThat(CredentialFields.violation(((Credential.Basic) generator.next(new Credential.Basic("u", "p"))).password()))
                    .isEmpty();
        }
    }
}
