package dev.stepconnect.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out of plain maps and lists. jackson-jr sits on jackson-core's streaming parser and
 * skips databind's reflection-heavy setup, which keeps it off the cold-start path.
 *
 * <p>Parsing is strict (RFC 8259 and nothing more): a document is exactly one JSON value, so
 * {@code {...}}}garbage} or two concatenated objects are refused, and an object may not repeat a key
 * (which of two {@code "RequestType"} fields counts would otherwise depend on the parser). Every
 * handler's input goes through here. Decimal numbers are kept as {@link java.math.BigDecimal}, so
 * {@code 0.10} stays {@code 0.10} rather than becoming a binary double.
 */
public final class Json {
    private static final JSON JSON_STD = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {
    }

    /** Parses a JSON object; anything else (array, scalar, bad syntax) is a {@link JsonException}. */
    public static JsonObject parseObject(String text) {
        if (text == null || text.isBlank()) {
            throw new JsonException("empty JSON document");
        }
        try (JsonParser parser = JSON_STD.createParser(text)) {
            return asObject(readSingleValue(parser));
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** Like {@link #parseObject(String)}, reading the whole stream (a Lambda handler's input). */
    public static JsonObject parseObject(InputStream in) {
        try (JsonParser parser = JSON_STD.createParser(in)) {
            return asObject(readSingleValue(parser));
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static Object readSingleValue(JsonParser parser) throws IOException {
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        if (parser.nextToken() == null) {
            throw new JsonException("empty JSON document");
        }
        Object value = JSON_STD.anyFrom(parser);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new JsonException("unexpected content after the JSON value at line "
                    + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr());
        }
        return value;
    }

    public static String write(Object value) {
        try {
            return JSON_STD.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    static JsonObject asObject(Object value) {
        if (value instanceof Map<?, ?> map) {
            return new JsonObject((Map<String, Object>) map);
        }
        throw new JsonException("expected a JSON object");
    }

    static List<?> asList(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        throw new JsonException("expected a JSON array");
    }

    // Parser messages quote the offending token, which may be part of a credential: say only where.
    private static JsonException malformed(IOException e) {
        if (e instanceof JsonProcessingException parse && parse.getLocation() != null) {
            return new JsonException("malformed JSON at line " + parse.getLocation().getLineNr() + ", column "
                    + parse.getLocation().getColumnNr());
        }
        return new JsonException("malformed JSON");
    }
}
