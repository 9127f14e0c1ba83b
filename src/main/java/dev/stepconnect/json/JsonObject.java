package dev.stepconnect.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only typed view of a parsed JSON object; missing or mistyped fields fail with the field's name. */
public final class JsonObject {
    private final Map<String, Object> fields;

    JsonObject(Map<String, Object> fields) {
        this.fields = fields;
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(fields);
    }

    public boolean has(String key) {
        return fields.get(key) != null;
    }

    public Object raw(String key) {
        return fields.get(key);
    }

    public Optional<String> string(String key) {
        Object value = fields.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(s);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return Optional.of(String.valueOf(value));
        }
        throw new JsonException("field '" + key + "' must be a string");
    }

    public String requiredString(String key) {
        return string(key).filter(s -> !s.isBlank())
                .orElseThrow(() -> new JsonException("missing required field '" + key + "'"));
    }

    public Optional<Long> number(String key) {
        Object value = fields.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number n) {
            return Optional.of(n.longValue());
        }
        if (value instanceof String s) {
            try {
                return Optional.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                throw new JsonException("field '" + key + "' must be a number");
            }
        }
        throw new JsonException("field '" + key + "' must be a number");
    }

    public Optional<JsonObject> object(String key) {
        Object value = fields.get(key);
        return value == null ? Optional.empty() : Optional.of(Json.asObject(value));
    }

    public JsonObject requiredObject(String key) {
        return object(key).orElseThrow(() -> new JsonException("missing required object '" + key + "'"));
    }

    public List<JsonObject> objects(String key) {
        Object value = fields.get(key);
        if (value == null) {
            return List.of();
        }
        List<JsonObject> result = new ArrayList<>();
        for (Object item : Json.asList(value)) {
            result.add(Json.asObject(item));
        }
        return result;
    }
}
