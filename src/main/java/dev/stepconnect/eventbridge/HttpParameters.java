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

    /**
     * This list as it can be sent back in an UpdateConnection, or null (leave the connection's list as
     * it is) when one of its values is secret: DescribeConnection never returns those values, so
     * re-sending would overwrite them. That is the one case where StepConnect relies on EventBridge
     * keeping parameters an update omits; declaring them in the custom resource re-sends them on every
     * stack update.
     */
    public HttpParameters resendable() {
        boolean anySecret = headers.stream().anyMatch(Parameter::secret) || queryStrings.stream().anyMatch(Parameter::secret)
                || bodies.stream().anyMatch(Parameter::secret);
        return anySecret ? null : this;
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
