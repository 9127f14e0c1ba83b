package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.ConnectionNames;
import dev.stepconnect.eventbridge.HttpParameters;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The properties of a {@code Custom::EventBridgeConnection}, validated. {@code description} and
 * {@code kmsKeyIdentifier} may be null. Every error names the property it is about.
 */
public record ConnectionProperties(String name, AuthorizationType authorizationType, String credentialsSecretId,
                                   String description, HttpParameters invocationParameters,
                                   HttpParameters oauthHttpParameters, String kmsKeyIdentifier,
                                   boolean linkSecretForRotation) {
    static final String NAME = "Name";
    static final String AUTHORIZATION_TYPE = "AuthorizationType";
    static final String CREDENTIALS_SECRET_ARN = "CredentialsSecretArn";
    static final String DESCRIPTION = "Description";
    static final String INVOCATION_HTTP_PARAMETERS = "InvocationHttpParameters";
    static final String OAUTH_HTTP_PARAMETERS = "OAuthHttpParameters";
    static final String KMS_KEY_IDENTIFIER = "KmsKeyIdentifier";
    static final String LINK_SECRET_FOR_ROTATION = "LinkSecretForRotation";
    private static final Set<String> KNOWN = Set.of("ServiceToken", NAME, AUTHORIZATION_TYPE, CREDENTIALS_SECRET_ARN,
            DESCRIPTION, INVOCATION_HTTP_PARAMETERS, OAUTH_HTTP_PARAMETERS, KMS_KEY_IDENTIFIER, LINK_SECRET_FOR_ROTATION,
            "ServiceTimeout");
    /** EventBridge's Description limit, less the room the ownership marker takes. */
    static final int MAX_DESCRIPTION = 512 - ConnectionMarker.MAX_RENDERED_LENGTH;

    public static ConnectionProperties parse(JsonObject properties) {
        for (String key : properties.asMap().keySet()) {
            if (!KNOWN.contains(key)) {
                throw new InvalidPropertyException("unknown property '" + truncate(key) + "'; supported: "
                        + String.join(", ", new java.util.TreeSet<>(KNOWN)));
            }
        }
        String name = required(properties, NAME);
        if (!ConnectionNames.isValid(name)) {
            throw new InvalidPropertyException(NAME + " must be 1-64 characters of A-Z a-z 0-9 . - _, got '"
                    + truncate(name) + "'");
        }
        AuthorizationType type;
        try {
            type = AuthorizationType.parse(required(properties, AUTHORIZATION_TYPE), AUTHORIZATION_TYPE);
        } catch (InvalidCredentialException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
        String secretId = required(properties, CREDENTIALS_SECRET_ARN);
        if (secretId.length() > 2048) {
            throw new InvalidPropertyException(CREDENTIALS_SECRET_ARN + " is longer than 2048 characters");
        }
        String description = optional(properties, DESCRIPTION).orElse(null);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new InvalidPropertyException(DESCRIPTION + " must be at most " + MAX_DESCRIPTION
                    + " characters (EventBridge allows 512; StepConnect keeps the rest for its ownership marker)");
        }
        HttpParameters invocation = httpParameters(properties, INVOCATION_HTTP_PARAMETERS);
        HttpParameters oauthHttp = httpParameters(properties, OAUTH_HTTP_PARAMETERS);
        if (!oauthHttp.isEmpty() && type != AuthorizationType.OAUTH_CLIENT_CREDENTIALS) {
            throw new InvalidPropertyException(OAUTH_HTTP_PARAMETERS + " applies only to AuthorizationType "
                    + "OAUTH_CLIENT_CREDENTIALS, got " + type);
        }
        String kmsKey = optional(properties, KMS_KEY_IDENTIFIER).orElse(null);
        if (kmsKey != null && kmsKey.length() > 2048) {
            throw new InvalidPropertyException(KMS_KEY_IDENTIFIER + " is longer than 2048 characters");
        }
        return new ConnectionProperties(name, type, secretId, description, invocation, oauthHttp, kmsKey,
                linkSecretForRotation(properties));
    }

    /**
     * Only what a Delete needs to undo the rotation link; lenient, because nothing in the properties of
     * a resource being deleted may stand in the way of its deletion.
     */
    public static Optional<String> linkedSecretOf(JsonObject properties) {
        try {
            return linkSecretForRotation(properties) ? optional(properties, CREDENTIALS_SECRET_ARN) : Optional.empty();
        } catch (RuntimeException invalid) {
            return Optional.empty();
        }
    }

    private static boolean linkSecretForRotation(JsonObject properties) {
        Object raw = properties.raw(LINK_SECRET_FOR_ROTATION);
        if (raw == null) {
            return false;
        }
        String value = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new InvalidPropertyException(LINK_SECRET_FOR_ROTATION + " must be \"true\" or \"false\", got '"
                    + truncate(String.valueOf(raw)) + "'");
        };
    }

    /** CloudFormation passes a nested object (with string leaves) or, if the author wrote one, a JSON string. */
    private static HttpParameters httpParameters(JsonObject properties, String property) {
        Object raw = properties.raw(property);
        if (raw == null) {
            return HttpParameters.NONE;
        }
        String json;
        if (raw instanceof Map<?, ?> map) {
            json = Json.write(map);
        } else if (raw instanceof String text) {
            json = text;
        } else {
            throw new InvalidPropertyException(property + " must be an object with HeaderParameters, "
                    + "QueryStringParameters and/or BodyParameters");
        }
        try {
            return HttpParameters.parse(json, property);
        } catch (IllegalArgumentException | JsonException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
    }

    private static String required(JsonObject properties, String key) {
        return optional(properties, key).orElseThrow(() -> new InvalidPropertyException(key + " is required"));
    }

    private static Optional<String> optional(JsonObject properties, String key) {
        Object raw = properties.raw(key);
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof String) && !(raw instanceof Number) && !(raw instanceof Boolean)) {
            throw new InvalidPropertyException(key + " must be a string");
        }
        String value = String.valueOf(raw).trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static String truncate(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "..." : value;
    }
}
