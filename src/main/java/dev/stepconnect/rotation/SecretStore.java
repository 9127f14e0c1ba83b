package dev.stepconnect.rotation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/** The rotated secret's versions and staging labels, through Secrets Manager. */
public final class SecretStore {
    private final SecretsManagerClient secrets;

    public SecretStore(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    public SecretSnapshot describe(String secretId) {
        DescribeSecretResponse response;
        try {
            response = secrets.describeSecret(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new InvalidRotationException("secret " + secretId + " does not exist");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : response.tags()) {
            tags.put(tag.key(), tag.value());
        }
        Map<String, List<String>> stages = new LinkedHashMap<>(response.versionIdsToStages());
        return new SecretSnapshot(response.arn(), response.name(), Boolean.TRUE.equals(response.rotationEnabled()),
                stages, tags, response.deletedDate() != null);
    }

    /** The SecretString of the AWSCURRENT version. */
    public String current(String arn) {
        return secrets.getSecretValue(r -> r.secretId(arn).versionStage(SecretSnapshot.CURRENT)).secretString();
    }

    /**
     * The SecretString staged as AWSPENDING under {@code token}; empty while the version is the
     * placeholder Secrets Manager creates before calling createSecret (a version id without a value).
     */
    public Optional<String> pending(String arn, String token) {
        try {
            GetSecretValueResponse response = secrets.getSecretValue(r -> r.secretId(arn).versionId(token)
                    .versionStage(SecretSnapshot.PENDING));
            return Optional.ofNullable(response.secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Stores the new value as AWSPENDING under {@code token}. A concurrent or repeated createSecret that
     * already stored a value for this token wins: ResourceExistsException means "keep that one".
     */
    public void putPending(String arn, String token, String secretString, String rotationToken) {
        PutSecretValueRequest.Builder request = PutSecretValueRequest.builder()
                .secretId(arn)
                .clientRequestToken(token)
                .secretString(secretString)
                .versionStages(SecretSnapshot.PENDING);
        if (rotationToken != null) {
            request.rotationToken(rotationToken);
        }
        try {
            secrets.putSecretValue(request.build());
        } catch (ResourceExistsException e) {
            // Another invocation stored a value for this token first; the caller re-reads it.
        }
    }

    /** AWSCURRENT moves to {@code token}; Secrets Manager moves AWSPREVIOUS to the old current version. */
    public void promote(String arn, String token, String currentVersionId) {
        secrets.updateSecretVersionStage(r -> r.secretId(arn).versionStage(SecretSnapshot.CURRENT)
                .moveToVersionId(token).removeFromVersionId(currentVersionId));
    }

    public void removePending(String arn, String versionId) {
        secrets.updateSecretVersionStage(r -> r.secretId(arn).versionStage(SecretSnapshot.PENDING)
                .removeFromVersionId(versionId));
    }
}
