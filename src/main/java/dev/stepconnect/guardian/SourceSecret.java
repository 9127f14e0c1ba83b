package dev.stepconnect.guardian;

import dev.stepconnect.credentials.CredentialOptIn;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.eventbridge.ConnectionNames;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What DescribeSecret tells about a credentials secret, as plain values (never its value).
 *
 * @param stagesByVersion VersionIdsToStages
 * @param deleted DeletedDate is set (scheduled for deletion) or the secret is gone
 */
public record SourceSecret(String arn, String name, boolean rotationEnabled, Map<String, List<String>> stagesByVersion,
                           Map<String, String> tags, boolean deleted) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    public static final String TEST_ENDPOINT_TAG = "stepconnect:test-endpoint";

    public SourceSecret {
        stagesByVersion = Map.copyOf(stagesByVersion);
        tags = Map.copyOf(tags);
    }

    public boolean optedIn() {
        return CredentialOptIn.isOptedIn(tags);
    }

    /** The valid connection names of the {@code stepconnect:connection} tag, in order, without duplicates. */
    public List<String> connections() {
        return connectionsOf(tags.get(CredentialSecrets.CONNECTION_TAG));
    }

    /** The names of a {@code stepconnect:connection} tag value that EventBridge accepts as connection names. */
    static List<String> connectionsOf(String tag) {
        return CredentialSecrets.connectionNames(tag).stream().filter(ConnectionNames::isValid).toList();
    }

    public Optional<String> currentVersion() {
        return versionWith(CURRENT);
    }

    /** A version labelled AWSPENDING and not also AWSCURRENT: what a running (or failed) rotation leaves. */
    public Optional<String> pendingOnlyVersion() {
        return stagesByVersion.entrySet().stream()
                .filter(e -> e.getValue().contains(PENDING) && !e.getValue().contains(CURRENT))
                .map(Map.Entry::getKey).findFirst();
    }

    private Optional<String> versionWith(String stage) {
        return stagesByVersion.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** The test endpoint when the tag holds an absolute http(s) URL; the probe's own rules apply later. */
    public Optional<URI> testEndpoint() {
        String tag = tags.get(TEST_ENDPOINT_TAG);
        if (tag == null || tag.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(tag.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            boolean loopbackHttp = scheme.equals("http") && uri.getHost() != null
                    && (uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1") || uri.getHost().equals("[::1]"));
            return uri.getHost() != null && (scheme.equals("https") || loopbackHttp) ? Optional.of(uri) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The connections this secret holds a heal history tag for ({@code stepconnect:guardian:<connection>}). */
    public List<String> historyConnections() {
        return tags.keySet().stream().filter(key -> key.startsWith(HealHistory.TAG_PREFIX))
                .map(key -> key.substring(HealHistory.TAG_PREFIX.length())).sorted().toList();
    }

    public HealHistory healHistory(String connection) {
        return HealHistory.parse(tags.get(HealHistory.tagKey(connection)));
    }
}
