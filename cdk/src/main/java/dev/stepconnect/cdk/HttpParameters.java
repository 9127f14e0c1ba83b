package dev.stepconnect.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extra HTTP parameters EventBridge adds to every call through a connection (invocation parameters) or
 * to every OAuth token request (OAuth HTTP parameters). Rendered in EventBridge's own shape:
 * {@code HeaderParameters}, {@code QueryStringParameters}, {@code BodyParameters}, each
 * {@code [{Key, Value, IsValueSecret}]} (EventBridge API reference, {@code ConnectionHttpParameters}).
 *
 * <p>Values end up in the synthesized template in clear text, secret or not ({@code IsValueSecret}
 * only hides them once EventBridge stores them): keep real credentials in the credentials secret.
 */
public final class HttpParameters {
    private final List<Map<String, String>> headers;
    private final List<Map<String, String>> queryStrings;
    private final List<Map<String, String>> bodies;

    private HttpParameters(Builder builder) {
        this.headers = List.copyOf(builder.headers);
        this.queryStrings = List.copyOf(builder.queryStrings);
        this.bodies = List.copyOf(builder.bodies);
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return headers.isEmpty() && queryStrings.isEmpty() && bodies.isEmpty();
    }

    /** The custom resource property value (CloudFormation passes every leaf as a string). */
    Map<String, Object> toProperty() {
        Map<String, Object> property = new LinkedHashMap<>();
        if (!headers.isEmpty()) {
            property.put("HeaderParameters", headers);
        }
        if (!queryStrings.isEmpty()) {
            property.put("QueryStringParameters", queryStrings);
        }
        if (!bodies.isEmpty()) {
            property.put("BodyParameters", bodies);
        }
        return property;
    }

    public static final class Builder {
        private final List<Map<String, String>> headers = new ArrayList<>();
        private final List<Map<String, String>> queryStrings = new ArrayList<>();
        private final List<Map<String, String>> bodies = new ArrayList<>();

        private Builder() {
        }

        public Builder header(String key, String value) {
            headers.add(parameter("header", key, value, false));
            return this;
        }

        public Builder secretHeader(String key, String value) {
            headers.add(parameter("header", key, value, true));
            return this;
        }

        public Builder queryString(String key, String value) {
            queryStrings.add(parameter("query string", key, value, false));
            return this;
        }

        public Builder secretQueryString(String key, String value) {
            queryStrings.add(parameter("query string", key, value, true));
            return this;
        }

        public Builder body(String key, String value) {
            bodies.add(parameter("body", key, value, false));
            return this;
        }

        public Builder secretBody(String key, String value) {
            bodies.add(parameter("body", key, value, true));
            return this;
        }

        public HttpParameters build() {
            return new HttpParameters(this);
        }

        private static Map<String, String> parameter(String kind, String key, String value, boolean secret) {
            if (key == null || key.isBlank()) {
                throw new StepConnectValidationException("an HTTP " + kind + " parameter needs a non-blank key");
            }
            if (value == null) {
                throw new StepConnectValidationException("HTTP " + kind + " parameter '" + key + "' needs a value");
            }
            Map<String, String> parameter = new LinkedHashMap<>();
            parameter.put("Key", key);
            parameter.put("Value", value);
            parameter.put("IsValueSecret", Boolean.toString(secret));
            return parameter;
        }
    }
}
