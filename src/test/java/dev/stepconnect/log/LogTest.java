package dev.stepconnect.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.CapturedOutput;
import org.junit.jupiter.api.Test;

class LogTest {

    @Test
    void writesOneJsonObjectPerLineWithFields() {
        try (CapturedOutput out = CapturedOutput.start()) {
            Log.named("test").info("connection created", "connection", "orders-api", "attempt", 2);
            JsonObject line = Json.parseObject(out.lines().get(out.lines().size() - 1));
            assertThat(line.raw("level")).isEqualTo("INFO");
            assertThat(line.raw("component")).isEqualTo("test");
            assertThat(line.raw("message")).isEqualTo("connection created");
            assertThat(line.raw("connection")).isEqualTo("orders-api");
            assertThat(line.raw("attempt")).isEqualTo(2);
        }
    }

    @Test
    void masksRegisteredSecretsInMessagesFieldsAndErrors() {
        String secret = "sk_live_" + System.nanoTime();
        Redaction.register(secret);
        try (CapturedOutput out = CapturedOutput.start()) {
            Log log = Log.named("test");
            log.info("value is " + secret, "field", "prefix-" + secret);
            log.error("failed", new IllegalStateException("bad key " + secret));
            assertThat(out.text()).doesNotContain(secret).contains(Redaction.MASK);
        }
    }

    @Test
    void masksPreSignedUrls() {
        String url = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/stack?"
                + "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261125T000000Z&X-Amz-Credential=AKIAEXAMPLE%2F20261125"
                + "&X-Amz-Signature=deadbeefcafe0123456789";
        assertThat(Redaction.scrub("PUT to " + url + " failed"))
                .doesNotContain("deadbeefcafe0123456789")
                .doesNotContain("AKIAEXAMPLE")
                .contains("[pre-signed URL redacted]");
        assertThat(Redaction.scrub("query X-Amz-Signature=abc123def&x=1")).doesNotContain("abc123def");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertThat(Redaction.scrub("https://api.example.com/v1/orders?page=2")).isEqualTo("https://api.example.com/v1/orders?page=2");
        assertThat(Redaction.scrub(null)).isNull();
    }
}
