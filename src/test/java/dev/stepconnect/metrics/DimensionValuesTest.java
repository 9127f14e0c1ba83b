package dev.stepconnect.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DimensionValuesTest {
    private static final String VALID = "[\\x20-\\x7e]{1,1024}";

    @ParameterizedTest
    @ValueSource(strings = {"orders", "partner-call_v2", "a", "Orders.Prod-2026"})
    void printableAsciiNamesPassUnchanged(String name) {
        assertThat(DimensionValues.of(name)).isEqualTo(name);
    }

    @Test
    void accentsAndEmojiAreReplacedAndHashed() {
        String accents = DimensionValues.of("commandes-été");
        assertThat(accents).matches(VALID).matches("commandes-_t_-[0-9a-f]{8}");
        // One emoji (a surrogate pair) is one underscore.
        assertThat(DimensionValues.of("orders-😀")).matches("orders-_-[0-9a-f]{8}");
        assertThat(DimensionValues.of("注文")).matches("__-[0-9a-f]{8}");
    }

    @Test
    void distinctNamesStayDistinct() {
        List<String> names = List.of("commandes-été", "commandes-ete", "commandes-êté", "commandes-_t_",
                "orders-😀", "orders-😃", "a b", " a b", "a b ", "x".repeat(2000), "x".repeat(1999) + "y");
        Set<String> values = new HashSet<>();
        for (String name : names) {
            String value = DimensionValues.of(name);
            assertThat(value).as(name).matches(VALID);
            values.add(value);
        }
        assertThat(values).hasSize(names.size());
    }

    @Test
    void spacesInsideAreKeptBlanksAtTheEdgesAreReplaced() {
        assertThat(DimensionValues.of("a b")).isEqualTo("a b");
        assertThat(DimensionValues.of(" a")).matches("_a-[0-9a-f]{8}");
        assertThat(DimensionValues.of("a\tb")).matches("a_b-[0-9a-f]{8}");
    }

    @Test
    void blankOrMissingIsUnknown() {
        assertThat(DimensionValues.of(null)).isEqualTo("unknown");
        assertThat(DimensionValues.of("")).isEqualTo("unknown");
        assertThat(DimensionValues.of("   ")).isEqualTo("unknown");
    }

    @Test
    void longValuesAreCutWithTheirHash() {
        String eighty = "é".repeat(80);
        assertThat(DimensionValues.of(eighty)).matches("_{80}-[0-9a-f]{8}");
        assertThat(DimensionValues.of("x".repeat(80))).isEqualTo("x".repeat(80));
        String huge = DimensionValues.of("y".repeat(5000));
        assertThat(huge).hasSize(1024).matches("y+-[0-9a-f]{8}");
        assertThat(DimensionValues.of("z".repeat(300), 234)).hasSize(234).matches("z+-[0-9a-f]{8}");
    }
}
