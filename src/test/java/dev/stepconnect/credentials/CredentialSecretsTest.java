package dev.stepconnect.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.log.Redaction;
import org.junit.jupiter.api.Test;

class CredentialSecretsTest {

    @Test
    void infersEachTypeFromItsKeys() {
        assertThat(CredentialSecrets.parse("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"k-123456\"}"))
                .isEqualTo(new Credential.ApiKey("x-api-key", "k-123456"));
        assertThat(CredentialSecrets.parse("{\"username\":\"svc\",\"password\":\"p-123456\"}"))
                .isEqualTo(new Credential.Basic("svc", "p-123456"));
        assertThat(CredentialSecrets.parse("{\"clientId\":\"id\",\"clientSecret\":\"s-123456\","
                + "\"authorizationEndpoint\":\"https://auth.example.com/token\"}"))
                .isEqualTo(new Credential.OAuthClientCredentials("id", "s-123456", "https://auth.example.com/token", "POST"));
    }

    @Test
    void declaredTypeWinsAndMustMatchTheExpectedOne() {
        String basic = "{\"authorizationType\":\"basic\",\"username\":\"svc\",\"password\":\"p-123456\"}";
        assertThat(CredentialSecrets.parse(basic).type()).isEqualTo(AuthorizationType.BASIC);
        assertThatThrownBy(() -> CredentialSecrets.parse(basic, AuthorizationType.API_KEY))
                .isInstanceOf(InvalidCredentialException.class)
                .hasMessageContaining("BASIC").hasMessageContaining("expected API_KEY");
    }

    @Test
    void errorsNameTheKeyButNeverTheValue() {
        assertThatThrownBy(() -> CredentialSecrets.parse("{\"apiKeyName\":\"x\",\"apiKeyValue\":\"\"}"))
                .hasMessageContaining("apiKeyValue");
        assertThatThrownBy(() -> CredentialSecrets.parse("{\"password\":\"hunter2-secret\"}"))
                .hasMessageContaining("'username'").hasMessageNotContaining("hunter2-secret");
        assertThatThrownBy(() -> CredentialSecrets.parse("not json hunter2-secret"))
                .hasMessageNotContaining("hunter2-secret");
        assertThatThrownBy(() -> CredentialSecrets.parse("{}")).hasMessageContaining("no known credential keys");
        assertThatThrownBy(() -> CredentialSecrets.parse("{\"clientId\":\"i\",\"clientSecret\":\"s-123456\","
                + "\"authorizationEndpoint\":\"http://auth.example.com\"}")).hasMessageContaining("https://");
        assertThatThrownBy(() -> CredentialSecrets.parse("{\"clientId\":\"i\",\"clientSecret\":\"s-123456\","
                + "\"authorizationEndpoint\":\"https://auth.example.com\",\"httpMethod\":\"DELETE\"}"))
                .hasMessageContaining("GET, POST or PUT");
    }

    @Test
    void secretValuesAreRegisteredForRedactionAndMaskedInToString() {
        Credential credential = CredentialSecrets.parse("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"redact-me-991\"}");
        assertThat(Redaction.scrub("value redact-me-991")).doesNotContain("redact-me-991");
        assertThat(credential.toString()).doesNotContain("redact-me-991");
    }

    @Test
    void writeKeepsOtherFieldsOfTheCurrentSecret() {
        String current = "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-value\",\"owner\":\"team-a\"}";
        String written = CredentialSecrets.write(new Credential.ApiKey("x-api-key", "new-value"), current);
        var json = Json.parseObject(written);
        assertThat(json.raw("owner")).isEqualTo("team-a");
        assertThat(json.raw("apiKeyValue")).isEqualTo("new-value");
        assertThat(json.raw("authorizationType")).isEqualTo("API_KEY");
        assertThat(CredentialSecrets.parse(written)).isEqualTo(new Credential.ApiKey("x-api-key", "new-value"));
    }

    @Test
    void aNumberIsUsedAsItsDigitsAndRegisteredForMasking() {
        Credential credential = CredentialSecrets.parse("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":918273645501}");
        assertThat(credential).isEqualTo(new Credential.ApiKey("x-api-key", "918273645501"));
        assertThat(Redaction.scrub("echo: {\"ApiKeyValue\":\"918273645501\"}")).doesNotContain("918273645501");
        Credential decimal = CredentialSecrets.parse("{\"username\":\"svc\",\"password\":31415.926535000}");
        assertThat(decimal.secretValue()).isEqualTo("31415.926535000");
        assertThat(Redaction.scrub("password 31415.926535000")).doesNotContain("31415.926535000");
        assertThatThrownBy(() -> CredentialSecrets.parse("{\"username\":\"svc\",\"password\":true}"))
                .hasMessageContaining("'password' must be a string");
        assertThatThrownBy(() -> CredentialSecrets.parse("{\"username\":\"svc\",\"password\":{\"v\":\"nested-secret\"}}"))
                .hasMessageContaining("'password' must be a string").hasMessageNotContaining("nested-secret");
    }
}
