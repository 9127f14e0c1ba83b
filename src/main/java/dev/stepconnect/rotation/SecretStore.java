package dev.stepconnect.rotation;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.credentials.CredentialOptIn;
import dev.stepconnect.credentials.InvalidCredentialException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/** The rotated secret's versions and staging labels, through Secrets Manager. */
public final class SecretStore {
    private final SecretsManagerClient secrets;

    public SecretStore(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    /**
     * The secret's labels and tags. Only a secret its owner marked {@code stepconnect:credentials=true}
     * is rotated ({@link CredentialOptIn}); any other fails before anything is read or written.
     */
    public SecretSnapshot describe(String secretId) {
        DescribeSecretResponse response;
        try {
            response = secrets.describeSecret(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new InvalidRotationException(CredentialOptIn.unreadable(secretId, "ResourceNotFoundException"));
        } catch (SecretsManagerException e) {
            String code = AwsErrors.code(e);
            if (!"AccessDeniedException".equals(code)) {
                throw e;
            }
            throw new InvalidRotationException(CredentialOptIn.unreadable(secretId, code));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : response.tags()) {
            tags.put(tag.key(), tag.value());
        }
        try {
            CredentialOptIn.require(response.arn() == null ? secretId : response.arn(), tags);
        } catch (InvalidCredentialException e) {
            throw new InvalidRotationException(e.getMessage());
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
        } catch (AwsServiceException e) {
            // The request carried the new credential: AWS's text may quote it.
            throw AwsErrors.withoutText(e, "PutSecretValue");
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
