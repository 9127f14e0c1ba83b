package dev.stepconnect.cfn;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A CloudFormation custom resource request. {@code physicalResourceId} is null on Create,
 * {@code oldProperties} is empty except on Update; {@code continuation} tells where the request stands
 * in a chain of invocations (attempt 0: CloudFormation's own invocation).
 */
public record CustomResourceRequest(RequestType requestType, ResponseTarget target, String resourceType,
                                    String physicalResourceId, JsonObject properties, JsonObject oldProperties,
                                    Continuation continuation) {

    /**
     * The answer address alone, read before anything else can fail, so that a request that is wrong in
     * every other way still gets its FAILED answer. Empty when there is no usable ResponseURL: then
     * there is nobody to answer.
     */
    public static Optional<ResponseTarget> target(JsonObject event) {
        Optional<URI> url = responseUrl(event);
        return url.map(u -> new ResponseTarget(u, text(event, "StackId"), text(event, "RequestId"),
                text(event, "LogicalResourceId")));
    }

    /** Parses the whole request; every problem is an {@link InvalidRequestException} naming the field. */
    public static CustomResourceRequest parse(JsonObject event) {
        return parse(event, Instant.now());
    }

    /** As {@link #parse(JsonObject)}; a request that starts a chain of invocations starts it at {@code now}. */
    public static CustomResourceRequest parse(JsonObject event, Instant now) {
        ResponseTarget target = target(event)
                .orElseThrow(() -> new InvalidRequestException("ResponseURL is missing or not a usable URL"));
        for (String field : new String[] {"StackId", "RequestId", "LogicalResourceId"}) {
            if (text(event, field) == null) {
                throw new InvalidRequestException(field + " is missing");
            }
        }
        RequestType type = RequestType.parse(text(event, "RequestType"));
        String physicalId = text(event, "PhysicalResourceId");
        if (type != RequestType.Create && physicalId == null) {
            throw new InvalidRequestException("PhysicalResourceId is missing on a " + type + " request");
        }
        return new CustomResourceRequest(type, target, text(event, "ResourceType"), physicalId,
                object(event, "ResourceProperties"), object(event, "OldResourceProperties"),
                Continuation.of(event, now));
    }

    CustomResourceRequest withContinuation(Continuation value) {
        return new CustomResourceRequest(requestType, target, resourceType, physicalResourceId, properties,
                oldProperties, value);
    }

    /** PhysicalResourceId as sent, if it is a string (used to answer requests that did not parse). */
    public static Optional<String> physicalResourceId(JsonObject event) {
        return Optional.ofNullable(text(event, "PhysicalResourceId"));
    }

    private static Optional<URI> responseUrl(JsonObject event) {
        String value = text(event, "ResponseURL");
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null) {
                return Optional.empty();
            }
            // CloudFormation's pre-signed S3 URLs are https; emulators (LocalStack, sam local, test
            // receivers, often on a container host name) hand out plain http. Refusing those would leave
            // their stacks waiting for an answer, and the answer carries no secret.
            if (scheme.equals("https") || scheme.equals("http")) {
                return Optional.of(uri);
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonObject event, String key) {
        Object value = event.raw(key);
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    private static JsonObject object(JsonObject event, String key) {
        try {
            return event.object(key).orElseGet(() -> Json.parseObject("{}"));
        } catch (JsonException e) {
            throw new InvalidRequestException(key + " must be a JSON object");
        }
    }
}
