package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.ConnectionNames;
import dev.stepconnect.eventbridge.HttpParameters;
import dev.stepconnect.eventbridge.PrivateConnectivity;
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
                                   boolean linkSecretForRotation, PrivateConnectivity connectivity) {
    static final String NAME = "Name";
    static final String AUTHORIZATION_TYPE = "AuthorizationType";
    static final String CREDENTIALS_SECRET_ARN = "CredentialsSecretArn";
    static final String DESCRIPTION = "Description";
    static final String INVOCATION_HTTP_PARAMETERS = "InvocationHttpParameters";
    static final String OAUTH_HTTP_PARAMETERS = "OAuthHttpParameters";
    static final String KMS_KEY_IDENTIFIER = "KmsKeyIdentifier";
    static final String LINK_SECRET_FOR_ROTATION = "LinkSecretForRotation";
    static final String INVOCATION_CONNECTIVITY_PARAMETERS = "InvocationConnectivityParameters";
    static final String OAUTH_CONNECTIVITY_PARAMETERS = "OAuthConnectivityParameters";
    private static final Set<String> KNOWN = Set.of("ServiceToken", NAME, AUTHORIZATION_TYPE, CREDENTIALS_SECRET_ARN,
            DESCRIPTION, INVOCATION_HTTP_PARAMETERS, OAUTH_HTTP_PARAMETERS, KMS_KEY_IDENTIFIER, LINK_SECRET_FOR_ROTATION,
            INVOCATION_CONNECTIVITY_PARAMETERS, OAUTH_CONNECTIVITY_PARAMETERS, "ServiceTimeout");
    /**
     * A VPC Lattice resource configuration ARN, as EventBridge's API model constrains
     * {@code ResourceConfigurationArn} (at most 2048 characters).
     *
     * @see <a href="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectivityResourceConfigurationArn.html">ConnectivityResourceConfigurationArn</a>
     */
    private static final java.util.regex.Pattern RESOURCE_CONFIGURATION_ARN = java.util.regex.Pattern.compile(
            "arn:[a-z0-9f\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:resourceconfiguration/rcfg-[0-9a-z]{17}");
    /** EventBridge's Description limit, less the room the ownership marker takes. */
    static final int MAX_DESCRIPTION = 512 - ConnectionMarker.MAX_RENDERED_LENGTH;

    /**
     * The resource's properties, checked against EventBridge's rules before anything is sent.
     *
     * @throws InvalidPropertyException naming the first unknown, missing or invalid property (never a
     *                                  credential value)
     */
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
        String invocationConfiguration = resourceConfiguration(properties, INVOCATION_CONNECTIVITY_PARAMETERS);
        String oauthConfiguration = resourceConfiguration(properties, OAUTH_CONNECTIVITY_PARAMETERS);
        if (oauthConfiguration != null && type != AuthorizationType.OAUTH_CLIENT_CREDENTIALS) {
            throw new InvalidPropertyException(OAUTH_CONNECTIVITY_PARAMETERS + " applies only to AuthorizationType "
                    + "OAUTH_CLIENT_CREDENTIALS (a private authorization endpoint), got " + type);
        }
        return builder(name, type, secretId).description(description).invocationParameters(invocation)
                .oauthHttpParameters(oauthHttp).kmsKeyIdentifier(kmsKey)
                .linkSecretForRotation(linkSecretForRotation(properties))
                .connectivity(new PrivateConnectivity(invocationConfiguration, oauthConfiguration)).build();
    }

    /** Properties with the three required ones set and every optional one at its default (absent, no link). */
    static Builder builder(String name, AuthorizationType authorizationType, String credentialsSecretId) {
        return new Builder(name, authorizationType, credentialsSecretId);
    }

    /** Names the optional components (the record has nine); no validation: {@link #parse} validates. */
    static final class Builder {
        private final String name;
        private final AuthorizationType authorizationType;
        private final String credentialsSecretId;
        private String description;
        private HttpParameters invocationParameters = HttpParameters.NONE;
        private HttpParameters oauthHttpParameters = HttpParameters.NONE;
        private String kmsKeyIdentifier;
        private boolean linkSecretForRotation;
        private PrivateConnectivity connectivity = PrivateConnectivity.NONE;

        private Builder(String name, AuthorizationType authorizationType, String credentialsSecretId) {
            this.name = name;
            this.authorizationType = authorizationType;
            this.credentialsSecretId = credentialsSecretId;
        }

        Builder description(String value) {
            description = value;
            return this;
        }

        Builder invocationParameters(HttpParameters value) {
            invocationParameters = value;
            return this;
        }

        Builder oauthHttpParameters(HttpParameters value) {
            oauthHttpParameters = value;
            return this;
        }

        Builder kmsKeyIdentifier(String value) {
            kmsKeyIdentifier = value;
            return this;
        }

        Builder linkSecretForRotation(boolean value) {
            linkSecretForRotation = value;
            return this;
        }

        Builder connectivity(PrivateConnectivity value) {
            connectivity = value;
            return this;
        }

        ConnectionProperties build() {
            return new ConnectionProperties(name, authorizationType, credentialsSecretId, description,
                    invocationParameters, oauthHttpParameters, kmsKeyIdentifier, linkSecretForRotation, connectivity);
        }
    }

    /**
     * The Name a Delete's properties give, if it is a usable connection name; lenient like
     * {@link #linkedSecretOf}.
     */
    public static Optional<String> nameOf(JsonObject properties) {
        try {
            return optional(properties, NAME).filter(ConnectionNames::isValid);
        } catch (RuntimeException invalid) {
            return Optional.empty();
        }
    }

    /**
     * {@code {"ResourceParameters": {"ResourceConfigurationArn": "..."}}}, EventBridge's
     * {@code ConnectivityResourceParameters}, as a nested object or its JSON text; null when absent.
     */
    private static String resourceConfiguration(JsonObject properties, String property) {
        Object raw = properties.raw(property);
        if (raw == null || raw instanceof String text && text.isBlank()) {
            return null;
        }
        String shape = property + " must be an object {\"ResourceParameters\": {\"ResourceConfigurationArn\": "
                + "\"arn:aws:vpc-lattice:...:resourceconfiguration/rcfg-...\"}}";
        JsonObject object;
        try {
            object = raw instanceof Map<?, ?> map ? Json.parseObject(Json.write(map))
                    : raw instanceof String text ? Json.parseObject(text) : null;
        } catch (JsonException e) {
            object = null;
        }
        if (object == null) {
            throw new InvalidPropertyException(shape);
        }
        for (String key : object.asMap().keySet()) {
            if (!key.equals("ResourceParameters")) {
                throw new InvalidPropertyException(property + " has an unknown field '" + truncate(key) + "'; " + shape);
            }
        }
        JsonObject resource;
        try {
            resource = object.object("ResourceParameters").orElseThrow(() -> new InvalidPropertyException(shape));
        } catch (JsonException e) {
            throw new InvalidPropertyException(shape);
        }
        Object arn = resource.raw("ResourceConfigurationArn");
        if (!(arn instanceof String text) || text.isBlank()) {
            throw new InvalidPropertyException(property + ".ResourceParameters.ResourceConfigurationArn is required");
        }
        String value = text.trim();
        if (value.length() > 2048 || !RESOURCE_CONFIGURATION_ARN.matcher(value).matches()) {
            throw new InvalidPropertyException(property + ".ResourceParameters.ResourceConfigurationArn must be a VPC"
                    + " Lattice resource configuration ARN (arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/"
                    + "rcfg-<17 characters>), got '" + truncate(value) + "'");
        }
        return value;
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
