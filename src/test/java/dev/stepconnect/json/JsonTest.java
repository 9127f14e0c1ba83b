package dev.stepconnect.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsTypedFields() {
        JsonObject o = Json.parseObject("{\"s\":\"x\",\"n\":1764050000123,\"ns\":\"42\",\"o\":{\"k\":true},\"l\":[{\"a\":1}],\"z\":null}");
        assertThat(o.requiredString("s")).isEqualTo("x");
        assertThat(o.number("n")).contains(1764050000123L);
        assertThat(o.number("ns")).contains(42L);
        assertThat(o.requiredObject("o").string("k")).contains("true");
        assertThat(o.objects("l")).hasSize(1);
        assertThat(o.string("z")).isEmpty();
        assertThat(o.has("z")).isFalse();
    }

    @Test
    void failuresNameTheFieldButNeverEchoTheDocument() {
        assertThatThrownBy(() -> Json.parseObject("{\"password\":\"hunter2\"")).isInstanceOf(JsonException.class)
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Json.parseObject("{\"password\": hunter2secret}")).isInstanceOf(JsonException.class)
                .hasMessageNotContaining("hunter2secret").hasMessageContaining("line 1");
        assertThatThrownBy(() -> Json.parseObject("[1,2]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> Json.parseObject("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Json.parseObject("{}").requiredString("Name")).hasMessageContaining("'Name'");
        assertThatThrownBy(() -> Json.parseObject("{\"o\":[]}").requiredObject("o")).isInstanceOf(JsonException.class);
    }

    @Test
    void roundTripsFromStreams() {
        JsonObject o = Json.parseObject(new ByteArrayInputStream("{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(Json.write(o.asMap())).isEqualTo("{\"a\":\"b\"}");
        assertThat(Json.write(Map.of("k", "v\"q"))).isEqualTo("{\"k\":\"v\\\"q\"}");
    }

    @Test
    void aDocumentIsExactlyOneJsonValue() {
        String request = "{\"RequestType\":\"Create\",\"ResourceProperties\":{\"Name\":\"n\"}}";
        assertThat(Json.parseObject(request).requiredString("RequestType")).isEqualTo("Create");
        assertThat(Json.parseObject(" \n" + request + " \n\t").requiredString("RequestType")).isEqualTo("Create");
        for (String bad : new String[] {request + "}}garbage", request + "garbage", request + "}", request + "{}",
                request + "[]", request + " 1", request + "\"x\"", request + "null", request + "\u0000"}) {
            assertThatThrownBy(() -> Json.parseObject(bad)).as(bad).isInstanceOf(JsonException.class)
                    .hasMessageNotContaining("garbage");
            assertThatThrownBy(() -> Json.parseObject(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))))
                    .as(bad).isInstanceOf(JsonException.class);
        }
        assertThatThrownBy(() -> Json.parseObject(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(JsonException.class).hasMessageContaining("empty");
    }

    @Test
    void aRepeatedKeyIsRefusedRatherThanResolvedSilently() {
        assertThatThrownBy(() -> Json.parseObject("{\"RequestType\":\"Delete\",\"RequestType\":\"Create\"}"))
                .isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.parseObject("{\"o\":{\"k\":1,\"k\":2}}")).isInstanceOf(JsonException.class);
    }

    @Test
    void numbersKeepTheirDigits() {
        JsonObject o = Json.parseObject("{\"i\":918273645501,\"d\":0.10,\"big\":123456789012345678901234567890}");
        assertThat(String.valueOf(o.raw("i"))).isEqualTo("918273645501");
        assertThat(o.raw("d")).isInstanceOf(java.math.BigDecimal.class);
        assertThat(((java.math.BigDecimal) o.raw("d")).toPlainString()).isEqualTo("0.10");
        assertThat(String.valueOf(o.raw("big"))).isEqualTo("123456789012345678901234567890");
    }
}
