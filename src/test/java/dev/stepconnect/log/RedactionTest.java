package dev.stepconnect.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.testing.CredentialForms;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RedactionTest {

    static List<String> formsOf(String value) {
        return CredentialForms.formsOf(value);
    }

    static String jsonEscaped(String value) {
        return CredentialForms.jsonEscaped(value);
    }

    @Test
    void everyFormOfAValueIsMasked() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (String value : List.of("pa\"ss-" + tag, "back\\slash-" + tag, "dollar$1-" + tag, "caf\u00e9-\uD83D\uDE00-" + tag,
                "sp ace/+&=%-" + tag, "tab\there-" + tag, "918273" + tag.hashCode())) {
            Redaction.register(value);
            for (String form : formsOf(value)) {
                String echoed = "ValidationException: {\"ApiKeyValue\":\"" + form + "\", \"Name\":\"conn\"}";
                String scrubbed = Redaction.scrub(echoed);
                for (String anyForm : formsOf(value)) {
                    assertThat(scrubbed).as("%s in %s", anyForm, echoed).doesNotContain(anyForm);
                }
                assertThat(scrubbed).contains(Redaction.MASK).contains("\"Name\":\"conn\"");
            }
        }
    }

    @Test
    void shortValuesAreMaskedAsQuotedTokensWithoutManglingOtherWords() {
        for (String value : List.of("q", "zq", "\"x", "$9")) {
            Redaction.register(value);
            String once = jsonEscaped(value);
            assertThat(Redaction.scrub("{\"Password\":\"" + once + "\"}")).isEqualTo("{\"Password\":" + Redaction.MASK + "}");
            assertThat(Redaction.scrub("{\\\"Password\\\":\\\"" + jsonEscaped(once) + "\\\"}"))
                    .isEqualTo("{\\\"Password\\\":" + Redaction.MASK + "}");
            assertThat(Redaction.scrub("password '" + value + "'")).isEqualTo("password " + Redaction.MASK);
        }
        assertThat(Redaction.scrub("a quick zqx check")).isEqualTo("a quick zqx check");
    }

    @Test
    void aValueInUseIsNeverForgottenHoweverManyOthersArrive() {
        String inUse = "in-use-" + UUID.randomUUID();
        try (Redaction.Scope scope = Redaction.open()) {
            Redaction.register(inUse);
            try (Redaction.Scope other = Redaction.open()) {
                Redaction.register("other-" + UUID.randomUUID());
            }
            // Far more values than the registry keeps once released, each from a finished invocation.
            for (int i = 0; i < Redaction.MAX_RELEASED * 3; i++) {
                try (Redaction.Scope finished = Redaction.open()) {
                    Redaction.register("finished-" + i + "-" + UUID.randomUUID());
                }
            }
            assertThat(Redaction.scrub("key " + inUse)).isEqualTo("key " + Redaction.MASK);
        }
    }

    @Test
    void aReleasedValueStaysMaskedWhileNewerOnesArrive() {
        String released = "released-" + UUID.randomUUID();
        try (Redaction.Scope scope = Redaction.open()) {
            Redaction.register(released);
        }
        for (int i = 0; i < 100; i++) {
            Redaction.register("later-" + i + "-" + UUID.randomUUID());
        }
        assertThat(Redaction.scrub("key " + released)).isEqualTo("key " + Redaction.MASK);
    }

    @Test
    void aScopeHoldsValuesUntilTheLastScopeOpenAtRegistrationCloses() {
        String value = "shared-" + UUID.randomUUID();
        Redaction.Scope invocation = Redaction.open();
        Redaction.Scope worker = Redaction.open();
        Redaction.register(value);
        int held = Redaction.inUseCount();
        invocation.close();
        assertThat(Redaction.inUseCount()).isEqualTo(held);
        worker.close();
        assertThat(Redaction.inUseCount()).isEqualTo(held - 1);
        worker.close();
        assertThat(Redaction.scrub(value)).isEqualTo(Redaction.MASK);
    }

    @Test
    void numbersInLogFieldsAreMaskedToo() {
        long digits = 918_273_645_501L + System.nanoTime() % 1000;
        Redaction.register(Long.toString(digits));
        try (dev.stepconnect.testing.CapturedOutput out = dev.stepconnect.testing.CapturedOutput.start()) {
            Log.named("test").info("echo", "value", digits, "other", 7);
            assertThat(out.text()).doesNotContain(Long.toString(digits)).contains("\"other\":7");
        }
        assertThat(Map.of()).isEmpty();
    }
}
