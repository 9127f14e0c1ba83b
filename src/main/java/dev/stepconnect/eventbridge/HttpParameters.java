package dev.stepconnect.eventbridge;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.log.Redaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Extra HTTP parameters of a connection, in EventBridge's own shape
 * ({@code HeaderParameters}, {@code QueryStringParameters}, {@code BodyParameters}, each
 * {@code [{Key, Value, IsValueSecret}]}).
 */
public record HttpParameters(List<Parameter> headers, List<Parameter> queryStrings, List<Parameter> bodies) {
    public static final HttpParameters NONE = new HttpParameters(List.of(), List.of(), List.of());

    public record Parameter(String key, String value, boolean secret) {
        @Override
        public String toString() {
            return "Parameter[key=" + key + ", value=" + (secret ? "****" : value) + ", secret=" + secret + "]";
        }
    }

    public HttpParameters {
        headers = List.copyOf(headers);
        queryStrings = List.copyOf(queryStrings);
        bodies = List.copyOf(bodies);
    }

    public boolean isEmpty() {
        return headers.isEmpty() && queryStrings.isEmpty() && bodies.isEmpty();
    }

    /**
     * Parses the JSON text of a template property. {@code propertyName} goes into error messages;
     * values marked secret are registered for redaction.
     */
    public static HttpParameters parse(String json, String propertyName) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            JsonObject object = Json.parseObject(json);
            return new HttpParameters(list(object, "HeaderParameters", propertyName),
                    list(object, "QueryStringParameters", propertyName), list(object, "BodyParameters", propertyName));
        } catch (JsonException e) {
            throw new IllegalArgumentException(propertyName + " is invalid: " + e.getMessage());
        }
    }

    private static List<Parameter> list(JsonObject object, String field, String propertyName) {
        List<Parameter> result = new ArrayList<>();
        for (JsonObject item : object.objects(field)) {
            String key = item.string("Key").orElse("");
            if (key.isBlank()) {
                throw new IllegalArgumentException(propertyName + "." + field + " has an entry without Key");
            }
            String value = item.string("Value").orElse("");
            boolean secret = Boolean.parseBoolean(item.string("IsValueSecret").orElse("false"));
            if (secret) {
                Redaction.register(value);
            }
            result.add(new Parameter(key, value, secret));
        }
        return result;
    }
}
