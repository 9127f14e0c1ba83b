package dev.stepconnect.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Credential values that have leaked in the past (issue #10 §1), and every form an echo of one can
 * take: raw, JSON-escaped once and twice, unicode-escaped, URL-encoded. {@link #assertAbsent} is the
 * one assertion the redaction tests share.
 */
public final class CredentialForms {
    /** Values under this length are checked as quoted tokens only (a raw "a" is in every sentence). */
    public static final int SHORT = 4;

    private CredentialForms() {
    }

    /**
     * One planted value. {@code number}: written into the secret as a JSON number, not a string.
     */
    public record Planted(String label, String value, boolean number) {
        /** A secret JSON with {@code nameKey: nameValue} and the planted value under {@code valueKey}. */
        public String secretJson(String nameKey, String nameValue, String valueKey) {
            String planted = number ? value : Json.write(List.of(value)).replaceAll("^\\[|\\]$", "");
            return "{" + Json.write(List.of(nameKey)).replaceAll("^\\[|\\]$", "") + ":"
                    + Json.write(List.of(nameValue)).replaceAll("^\\[|\\]$", "") + ","
                    + Json.write(List.of(valueKey)).replaceAll("^\\[|\\]$", "") + ":" + planted + "}";
        }
    }

    /** Each form that leaked before: number, quotes, backslash, '$', unicode, and 1-3 characters. */
    public static List<Planted> planted() {
        String tag = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        List<Planted> planted = new ArrayList<>();
        planted.add(new Planted("number", "9182736" + tag, true));
        planted.add(new Planted("quotes", "pa\"ss\"-" + tag, false));
        planted.add(new Planted("backslash", "back\\slash\\-" + tag, false));
        planted.add(new Planted("dollar", "$1-dollar$-" + tag + "$", false));
        planted.add(new Planted("unicode", "cl\u00e9-\uD83D\uDD11-\u00fcn\u00ef-" + tag, false));
        planted.add(new Planted("1 character", "\u00a7", false));
        planted.add(new Planted("2 characters", "Q" + "\u00b5", false));
        planted.add(new Planted("3 characters", "~^" + tag.charAt(0), false));
        return planted;
    }

    /** Every form of {@code value} an echo can produce. */
    public static List<String> formsOf(String value) {
        String once = jsonEscaped(value);
        Set<String> forms = new LinkedHashSet<>(List.of(value, once, jsonEscaped(once), unicodeEscaped(value, false),
                unicodeEscaped(value, true), jsonEscaped(unicodeEscaped(value, false)),
                URLEncoder.encode(value, StandardCharsets.UTF_8),
                URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        return List.copyOf(forms);
    }

    /** The JSON string escape of {@code value}, without the quotes. */
    public static String jsonEscaped(String value) {
        String quoted = Json.write(List.of(value));
        return quoted.substring(2, quoted.length() - 2);
    }

    /** Non-alphanumeric (or all, {@code all}) characters as \\uXXXX escapes, hex in mixed case. */
    public static String unicodeEscaped(String value, boolean all) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (all || !Character.isLetterOrDigit(c) || c > 0x7f) {
                String hex = String.format("%04x", (int) c);
                out.append("\\u").append(i % 2 == 0 ? hex : hex.toUpperCase());
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * No form of the planted value in {@code text}, and none of an echoing AWS error's text. Short values
     * are checked as the quoted tokens an echo of a request body carries.
     */
    public static void assertAbsent(Planted planted, String text, String where) {
        assertThat(text).as(planted.label() + ": AWS error text in " + where).doesNotContain(AwsJsonStub.ECHO_MARKER);
        for (String form : formsOf(planted.value())) {
            if (planted.value().length() < SHORT) {
                for (String quoted : List.of("\"" + form + "\"", "\\\"" + form + "\\\"", "'" + form + "'",
                        ":" + form + "}", ":" + form + ",")) {
                    assertThat(text).as(planted.label() + " as " + quoted + " in " + where).doesNotContain(quoted);
                }
            } else {
                assertThat(text).as(planted.label() + " as " + form + " in " + where).doesNotContain(form);
            }
        }
    }
}
