package dev.stepconnect.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.credentials.Credential;
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
}
