package dev.stepconnect.guardian;

import dev.stepconnect.credentials.CredentialSecrets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The guardian's Secrets Manager calls, translated to plain values at this edge. SDK exceptions other
 * than "not found" pass through; the service maps them to an outcome.
 */
public final class SecretsGateway {
    private final SecretsManagerClient secrets;

    public SecretsGateway(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    /** A credentials secret as ListSecrets shows it: enough to pick the ones that name a connection. */
    public record Listed(String arn, Map<String, String> tags) {
    }

    /**
     * Every secret with a {@code stepconnect:connection} tag (ListSecrets' {@code tag-key} filter), those
     * scheduled for deletion included so that a deleted source is reported rather than forgotten.
     *
     * @see <a href="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html">ListSecrets</a>
     */
    public List<Listed> listLinked() {
        return listWithTagKey(CredentialSecrets.CONNECTION_TAG);
    }

    /**
     * Every secret with a heal history tag ({@code stepconnect:guardian:...}; the {@code tag-key} filter is
     * a prefix match), so that the histories of connections a secret no longer feeds can be removed.
     */
    public List<Listed> listWithHistory() {
        return listWithTagKey(HealHistory.TAG_PREFIX);
    }

    private List<Listed> listWithTagKey(String tagKeyPrefix) {
        List<Listed> found = new ArrayList<>();
        String token = null;
        do {
            ListSecretsRequest.Builder request = ListSecretsRequest.builder().includePlannedDeletion(true).maxResults(100)
                    .filters(f -> f.key(FilterNameStringType.TAG_KEY).values(tagKeyPrefix));
            if (token != null) {
                request.nextToken(token);
            }
            ListSecretsResponse page = secrets.listSecrets(request.build());
            for (SecretListEntry entry : page.secretList()) {
                found.add(new Listed(entry.arn(), tagMap(entry.tags())));
            }
            token = page.nextToken();
        } while (token != null && !token.isBlank());
        return found;
    }

    /** DescribeSecret; empty when no such secret exists. */
    public Optional<SourceSecret> describe(String secretId) {
        DescribeSecretResponse response;
        try {
            response = secrets.describeSecret(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        Map<String, List<String>> stages = new LinkedHashMap<>(response.versionIdsToStages());
        return Optional.of(new SourceSecret(response.arn(), response.name(), Boolean.TRUE.equals(response.rotationEnabled()),
                stages, tagMap(response.tags()), response.deletedDate() != null));
    }

    /** AWSCURRENT's value and VersionId, read together so the version recorded is the one applied. */
    public record CurrentValue(String versionId, String secretString) {
        @Override
        public String toString() {
            return "CurrentValue[versionId=" + versionId + ", secretString=****]";
        }
    }

    public CurrentValue current(String arn) {
        GetSecretValueResponse response = secrets.getSecretValue(r -> r.secretId(arn).versionStage(SourceSecret.CURRENT));
        return new CurrentValue(response.versionId(), response.secretString());
    }

    /** When {@code versionId} was created (ListSecretVersionIds); empty if the version is not listed. */
    public Optional<Instant> createdAt(String arn, String versionId) {
        String token = null;
        do {
            String page = token;
            var response = secrets.listSecretVersionIds(r -> r.secretId(arn).includeDeprecated(false).nextToken(page));
            for (SecretVersionsListEntry version : response.versions()) {
                if (version.versionId().equals(versionId)) {
                    return Optional.ofNullable(version.createdDate());
                }
            }
            token = response.nextToken();
        } while (token != null && !token.isBlank());
        return Optional.empty();
    }

    /** Stores a connection's heal history in its tag on the source secret (TagResource replaces the value). */
    public void saveHistory(String arn, String connection, HealHistory history) {
        secrets.tagResource(r -> r.secretId(arn).tags(Tag.builder().key(HealHistory.tagKey(connection))
                .value(history.render()).build()));
    }

    /** Removes the heal history tags of {@code connections} from the secret (UntagResource). */
    public void removeHistories(String arn, List<String> connections) {
        secrets.untagResource(r -> r.secretId(arn).tagKeys(connections.stream().map(HealHistory::tagKey).toList()));
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        if (tags != null) {
            for (Tag tag : tags) {
                map.put(tag.key(), tag.value());
            }
        }
        return map;
    }
}
