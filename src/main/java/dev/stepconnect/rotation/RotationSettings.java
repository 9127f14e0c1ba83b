package dev.stepconnect.rotation;

import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.credentials.EndpointUrls;
import dev.stepconnect.eventbridge.ConnectionNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the secret's {@code stepconnect:} tags ask for: the connections it feeds, the endpoint that
 * proves a credential, and where a new credential comes from.
 */
public record RotationSettings(List<String> connections, URI testEndpoint, Generator generator) {
    public static final String CONNECTION_TAG = CredentialSecrets.CONNECTION_TAG;
    public static final String TEST_ENDPOINT_TAG = "stepconnect:test-endpoint";
    public static final String GENERATOR_TAG = "stepconnect:generator";

    /** How createSecret gets the new credential. */
    public enum Generator { PENDING, RANDOM }

    public RotationSettings {
        connections = List.copyOf(connections);
    }

    public Optional<URI> testEndpointIfSet() {
        return Optional.ofNullable(testEndpoint);
    }

    public static RotationSettings fromTags(Map<String, String> tags, String secretName) {
        return new RotationSettings(connections(tags.get(CONNECTION_TAG), secretName),
                testEndpoint(tags.get(TEST_ENDPOINT_TAG)), generator(tags.get(GENERATOR_TAG)));
    }

    /** The connections the tag names, or none when the tags are invalid (for metrics of a failed step). */
    public static List<String> linkedConnectionsIfValid(Map<String, String> tags) {
        try {
            return connections(tags.get(CONNECTION_TAG), "");
        } catch (InvalidRotationException e) {
            return List.of();
        }
    }

    private static List<String> connections(String tag, String secretName) {
        if (tag == null || tag.isBlank()) {
            throw new InvalidRotationException("secret " + secretName + " has no " + CONNECTION_TAG
                    + " tag naming the EventBridge connection(s) it feeds");
        }
        Set<String> names = CredentialSecrets.connectionNames(tag);
        for (String name : names) {
            if (!ConnectionNames.isValid(name)) {
                throw new InvalidRotationException(CONNECTION_TAG + " holds '" + name
                        + "', which is not a connection name (letters, digits, '.', '-', '_', at most 64)");
            }
        }
        if (names.isEmpty()) {
            throw new InvalidRotationException(CONNECTION_TAG + " of secret " + secretName + " names no connection");
        }
        return new ArrayList<>(names);
    }

    static URI testEndpoint(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(tag.trim());
        } catch (URISyntaxException e) {
            throw new InvalidRotationException(TEST_ENDPOINT_TAG + " is not a URL");
        }
        if (uri.getHost() == null || !(uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http"))) {
            throw new InvalidRotationException(TEST_ENDPOINT_TAG + " must be an https:// URL");
        }
        if (!EndpointUrls.isAllowed(uri)) {
            throw new InvalidRotationException(TEST_ENDPOINT_TAG + " must be an https:// URL (plain http:// is accepted"
                    + " only for loopback hosts)");
        }
        return uri;
    }

    private static Generator generator(String tag) {
        if (tag == null || tag.isBlank()) {
            return Generator.PENDING;
        }
        return switch (tag.trim().toLowerCase(Locale.ROOT)) {
            case "pending" -> Generator.PENDING;
            case "random" -> Generator.RANDOM;
            default -> throw new InvalidRotationException(GENERATOR_TAG + " must be 'pending' or 'random', got '"
                    + tag.trim() + "'");
        };
    }
}
