package dev.stepconnect.json;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 */
public final class Json {
    private static final JSON JSON_STD = JSON.std;

    private Json() {
    }

    /** Parses a JSON object; anything else (array, scalar, bad syntax) is a {@link JsonException}. */
    public static JsonObject parseObject(String text) {
        if (text == null || text.isBlank()) {
            throw new JsonException("empty JSON document");
        }
        try {
            Object value = JSON_STD.anyFrom(text);
            return asObject(value);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    public static JsonObject parseObject(InputStream in) {
        try {
            Object value = JSON_STD.anyFrom(in);
            if (value == null) {
                throw new JsonException("empty JSON document");
            }
            return asObject(value);
        } catch (IOException e) {
            throw malformed(e);
        }
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
