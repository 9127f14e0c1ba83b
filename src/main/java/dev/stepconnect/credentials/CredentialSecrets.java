package dev.stepconnect.credentials;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.log.Redaction;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the credentials secret format of interface.md (SecretString JSON, camelCase keys).
 * Every secret value is registered with {@link Redaction} the moment it is parsed.
 */
public final class CredentialSecrets {
    public static final String AUTHORIZATION_TYPE = "authorizationType";
    public static final String API_KEY_NAME = "apiKeyName";
    public static final String API_KEY_VALUE = "apiKeyValue";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String AUTHORIZATION_ENDPOINT = "authorizationEndpoint";
    public static final String HTTP_METHOD = "httpMethod";
    /** Tag on a credentials secret naming the connection(s) it feeds, comma-separated (interface.md). */
    public static final String CONNECTION_TAG = "stepconnect:connection";
    private static final Set<String> OAUTH_METHODS = Set.of("GET", "POST", "PUT");

    private CredentialSecrets() {
    }

    /**
     * The names a {@link #CONNECTION_TAG} value lists: trimmed, blanks and repeats dropped, in tag order, in a
     * new modifiable set (empty for null). The names are not checked against EventBridge's naming rule.
     */
    public static Set<String> connectionNames(String tagValue) {
        Set<String> names = new LinkedHashSet<>();
        if (tagValue != null) {
            for (String part : tagValue.split(",")) {
                String name = part.trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Parses a SecretString; the type comes from {@code authorizationType} or is inferred from the keys. */
    public static Credential parse(String secretString) {
        return parse(secretString, null);
    }

    /**
     * Parses a SecretString expecting {@code expected} (may be null). A declared type that disagrees with
     * the expected one is an error, so a BASIC secret is never pushed into an API_KEY connection.
     */
    public static Credential parse(String secretString, AuthorizationType expected) {
        JsonObject json;
        try {
            json = Json.parseObject(secretString);
        } catch (JsonException e) {
            throw new InvalidCredentialException("the credentials secret is not a JSON object");
        }
        registerSecretValues(json);
        AuthorizationType type = json.has(AUTHORIZATION_TYPE)
                ? AuthorizationType.parse(stringField(json, AUTHORIZATION_TYPE), "the secret's " + AUTHORIZATION_TYPE)
                : infer(json, expected);
        if (expected != null && type != expected) {
            throw new InvalidCredentialException("the credentials secret holds a " + type + " credential, expected "
                    + expected);
        }
        return switch (type) {
            case API_KEY -> new Credential.ApiKey(credentialField(json, API_KEY_NAME, type),
                    credentialField(json, API_KEY_VALUE, type));
            case BASIC -> new Credential.Basic(credentialField(json, USERNAME, type), credentialField(json, PASSWORD, type));
            case OAUTH_CLIENT_CREDENTIALS -> new Credential.OAuthClientCredentials(credentialField(json, CLIENT_ID, type),
                    credentialField(json, CLIENT_SECRET, type), authorizationEndpoint(json), httpMethod(json));
        };
    }

    /**
     * The SecretString for {@code credential}, keeping every other field of {@code current} (a
     * rotation must not drop fields an operator or another tool keeps in the secret).
     */
    public static String write(Credential credential, String current) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (current != null && !current.isBlank()) {
            try {
                fields.putAll(Json.parseObject(current).asMap());
            } catch (JsonException e) {
                throw new InvalidCredentialException("the current credentials secret is not a JSON object");
            }
        }
        fields.put(AUTHORIZATION_TYPE, credential.type().name());
        if (credential instanceof Credential.ApiKey k) {
            fields.put(API_KEY_NAME, k.apiKeyName());
            fields.put(API_KEY_VALUE, k.apiKeyValue());
        } else if (credential instanceof Credential.Basic b) {
            fields.put(USERNAME, b.username());
            fields.put(PASSWORD, b.password());
        } else if (credential instanceof Credential.OAuthClientCredentials o) {
            fields.put(CLIENT_ID, o.clientId());
            fields.put(CLIENT_SECRET, o.clientSecret());
            fields.put(AUTHORIZATION_ENDPOINT, o.authorizationEndpoint());
            fields.put(HTTP_METHOD, o.httpMethod());
        }
        return Json.write(fields);
    }

    private static AuthorizationType infer(JsonObject json, AuthorizationType expected) {
        if (json.has(API_KEY_NAME) || json.has(API_KEY_VALUE)) {
            return AuthorizationType.API_KEY;
        }
        if (json.has(CLIENT_ID) || json.has(CLIENT_SECRET)) {
            return AuthorizationType.OAUTH_CLIENT_CREDENTIALS;
        }
        if (json.has(USERNAME) || json.has(PASSWORD)) {
            return AuthorizationType.BASIC;
        }
        if (expected != null) {
            return expected;
        }
        throw new InvalidCredentialException("the credentials secret has no known credential keys (expected "
                + "apiKeyName/apiKeyValue, username/password or clientId/clientSecret/authorizationEndpoint)");
    }

    /**
     * Registers every secret part, whatever its JSON type, before anything else can fail: a number
     * ({@code "apiKeyValue": 918273645501}) is sent to EventBridge as its digits, so its digits are masked.
     */
    private static void registerSecretValues(JsonObject json) {
        for (String key : new String[] {API_KEY_VALUE, PASSWORD, CLIENT_SECRET}) {
            Object value = json.raw(key);
            if (value instanceof String || value instanceof Number) {
                Redaction.register(text(value));
            }
            if (value instanceof java.math.BigDecimal decimal) {
                Redaction.register(decimal.toString());
            }
        }
    }

    /** A string, or a number as its plain digits (never exponent notation); other JSON types are refused. */
    private static String stringField(JsonObject json, String key) {
        Object value = json.raw(key);
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Number) {
            return text(value);
        }
        throw new InvalidCredentialException("the credentials secret's '" + key + "' must be a string");
    }

    private static String text(Object value) {
        return value instanceof java.math.BigDecimal decimal ? decimal.toPlainString() : String.valueOf(value);
    }

    /** A required credential field that EventBridge will accept ({@link CredentialFields}). */
    private static String credentialField(JsonObject json, String key, AuthorizationType type) {
        String value = required(json, key, type);
        CredentialFields.check(key, value);
        return value;
    }

    private static String required(JsonObject json, String key, AuthorizationType type) {
        String value = stringField(json, key);
        if (value == null || value.isBlank()) {
            throw new InvalidCredentialException("the credentials secret is missing '" + key + "' (required for " + type + ")");
        }
        return value;
    }

    private static String authorizationEndpoint(JsonObject json) {
        String endpoint = required(json, AUTHORIZATION_ENDPOINT, AuthorizationType.OAUTH_CLIENT_CREDENTIALS);
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new InvalidCredentialException("the credentials secret's '" + AUTHORIZATION_ENDPOINT + "' is not a URL");
        }
        if (!EndpointUrls.isAllowed(uri)) {
            throw new InvalidCredentialException("the credentials secret's '" + AUTHORIZATION_ENDPOINT
                    + "' must be an https:// URL (plain http:// only on a loopback host)");
        }
        return endpoint;
    }

    private static String httpMethod(JsonObject json) {
        String method = stringField(json, HTTP_METHOD);
        if (method == null || method.isBlank()) {
            return "POST";
        }
        String upper = method.trim().toUpperCase(Locale.ROOT);
        if (!OAUTH_METHODS.contains(upper)) {
            throw new InvalidCredentialException("the credentials secret's '" + HTTP_METHOD + "' must be GET, POST or PUT");
        }
        return upper;
    }
}
