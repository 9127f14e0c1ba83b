package dev.stepconnect.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CredentialFieldsTest {
    /** The API model's AuthHeaderParameters[Sensitive] pattern, verbatim (botocore 1.43.11, events 2015-10-07 service-2.json; the SDK jar ships no model). */
    private static final Pattern AWS_PATTERN = Pattern.compile("^[ \\t]*[^\\x00-\\x1F:\\x7F]+([ \\t]+[^\\x00-\\x1F:\\x7F]+)*[ \\t]*$");

    @Test
    void agreesWithTheApiModelPatternOnEveryShortString() {
        char[] alphabet = {'a', 'Z', '9', ' ', '\t', ':', '\n', '\r', '\u0000', '\u001f', '\u007f', '\u00e9', '\u0085', '"', '\\', '$'};
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = 1 + random.nextInt(7);
            for (int j = 0; j < length; j++) {
                value.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String candidate = value.toString();
            assertThat(CredentialFields.violation(candidate).isEmpty()).as("%s", escape(candidate))
                    .isEqualTo(AWS_PATTERN.matcher(candidate).matches());
        }
    }

    @Test
    void lengthIsOneTo512CodePoints() {
        assertThat(CredentialFields.violation("")).contains("must not be empty");
        assertThat(CredentialFields.violation("k")).isEmpty();
        assertThat(CredentialFields.violation("k".repeat(512))).isEmpty();
        assertThat(CredentialFields.violation("k".repeat(513))).hasValueSatisfying(rule -> assertThat(rule).contains("512"));
        // 512 emoji are 1,024 UTF-16 units but 512 characters for EventBridge.
        assertThat(CredentialFields.violation("\uD83D\uDE00".repeat(512))).isEmpty();
    }

    @Test
    void blanksAroundTheValueMayOnlyBeSpacesAndTabs() {
        assertThat(CredentialFields.violation(" \tkey\t ")).isEmpty();
        assertThat(CredentialFields.violation("key\n")).isPresent();
        assertThat(CredentialFields.violation("\rkey")).isPresent();
        assertThat(CredentialFields.violation("\t\t")).contains("consists of tabs only");
    }

    @Test
    void everyCredentialFieldIsCheckedWhenTheSecretIsParsedAndTheMessageNamesKeyAndRuleNeverTheValue() {
        Map<String, Map<String, Object>> secrets = new LinkedHashMap<>();
        secrets.put("apiKeyName", Map.of("apiKeyName", "x:api-key", "apiKeyValue", "fine-value-1"));
        secrets.put("apiKeyValue", Map.of("apiKeyName", "x-api-key", "apiKeyValue", "sec:ret-value-1"));
        secrets.put("username", Map.of("username", "svc\u0007orders", "password", "fine-value-2"));
        secrets.put("password", Map.of("username", "svc", "password", "p".repeat(513)));
        secrets.put("clientId", Map.of("clientId", "id\nx", "clientSecret", "fine-value-3",
                "authorizationEndpoint", "https://auth.example.com/token"));
        secrets.put("clientSecret", Map.of("clientId", "id", "clientSecret", "line1\r\nline2",
                "authorizationEndpoint", "https://auth.example.com/token"));
        for (Map.Entry<String, Map<String, Object>> secret : secrets.entrySet()) {
            String badValue = String.valueOf(secret.getValue().get(secret.getKey()));
            assertThatThrownBy(() -> CredentialSecrets.parse(Json.write(secret.getValue())))
                    .as(secret.getKey()).isInstanceOf(InvalidCredentialException.class)
                    .hasMessageContaining("'" + secret.getKey() + "'")
                    .hasMessageContaining("EventBridge accepts 1-512 characters")
                    .hasMessageNotContaining(badValue);
        }
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().forEach(c -> out.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
