package dev.stepconnect.connection;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialOptIn;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.log.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.stepconnect.eventbridge.CredentialSource;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The user's credentials secrets: reading a credential, and the rotation link tag. Only secrets their
 * owner marked {@code stepconnect:credentials=true} are read or tagged ({@link CredentialOptIn}).
 */
public final class CredentialsSecretStore {
    /** Errors that retrying cannot fix: the user must change the secret, its key or the provider's scope. */
    private static final Set<String> UNREADABLE = Set.of("AccessDeniedException", "DecryptionFailure",
            "InvalidRequestException", "InvalidParameterException");
    private final SecretsManagerClient secrets;

    public CredentialsSecretStore(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    /** A credential and the secret version it was read from (what the connection's marker records). */
    public record SecretCredential(Credential credential, CredentialSource source) {
    }

    /**
     * Reads and validates the credential (its secret value is registered for redaction while parsing).
     * The secret must carry the owner's opt-in tag; without it nothing is read.
     */
    public SecretCredential read(String secretId, AuthorizationType expected) {
        try {
            CredentialOptIn.require(secretId, tagsOf(secretId));
        } catch (InvalidCredentialException e) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": " + e.getMessage());
        }
        GetSecretValueResponse response;
        try {
            response = secrets.getSecretValue(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": secret '" + secretId
                    + "' does not exist (or has no AWSCURRENT version)");
        } catch (SecretsManagerException e) {
            if (!UNREADABLE.contains(AwsErrors.code(e))) {
                throw e;
            }
            // GetSecretValue carries no credential: AWS's text (which permission is missing) is safe and useful.
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": cannot read secret '"
                    + secretId + "': " + AwsErrors.code(e) + " ("
                    + Redaction.scrub(e.awsErrorDetails().errorMessage()) + "); the secret is tagged "
                    + CredentialOptIn.TAG + "=" + CredentialOptIn.VALUE + ", so check ConnectionCredentialsSecretNames and"
                    + " ConnectionKmsKeyArn of the StepConnect stack");
        }
        if (response.secretString() == null) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": secret '" + secretId
                    + "' has no SecretString (binary secrets are not supported)");
        }
        try {
            return new SecretCredential(CredentialSecrets.parse(response.secretString(), expected),
                    new CredentialSource(response.arn(), response.versionId()));
        } catch (InvalidCredentialException e) {
            // Names the secret, the key and the rule; never the value.
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": secret '" + secretId
                    + "': " + e.getMessage());
        }
    }

    /** Adds {@code connectionName} to the secret's rotation tag, keeping the names already there. */
    public void link(String secretId, String connectionName) {
        Map<String, String> tags = tagsOf(secretId);
        try {
            CredentialOptIn.require(secretId, tags);
        } catch (InvalidCredentialException e) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": " + e.getMessage());
        }
        String current = tags.get(RotationLink.TAG);
        String updated = RotationLink.add(current, connectionName);
        if (!updated.equals(current)) {
            secrets.tagResource(r -> r.secretId(secretId).tags(Tag.builder().key(RotationLink.TAG).value(updated).build()));
        }
    }

    /**
     * Removes {@code connectionName} from the rotation tag; a secret that is gone, or whose owner has
     * withdrawn the opt-in tag, is not touched.
     */
    public void unlink(String secretId, String connectionName) {
        Map<String, String> tags;
        try {
            tags = tagsOf(secretId);
        } catch (InvalidPropertyException e) {
            return;
        }
        String current = tags.get(RotationLink.TAG);
        if (current == null || !CredentialOptIn.isOptedIn(tags)) {
            return;
        }
        Optional<String> updated = RotationLink.remove(current, connectionName);
        if (updated.equals(Optional.of(current))) {
            return;
        }
        if (updated.isEmpty()) {
            secrets.untagResource(r -> r.secretId(secretId).tagKeys(RotationLink.TAG));
        } else {
            secrets.tagResource(r -> r.secretId(secretId).tags(Tag.builder().key(RotationLink.TAG).value(updated.get()).build()));
        }
    }

    /**
     * The secret's tags. A secret that is missing or that StepConnect's role may not describe fails
     * with a message naming both possibilities: under the opt-in IAM condition they look alike.
     */
    private Map<String, String> tagsOf(String secretId) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : secrets.describeSecret(r -> r.secretId(secretId)).tags()) {
                tags.put(tag.key(), tag.value());
            }
            return tags;
        } catch (ResourceNotFoundException e) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": "
                    + CredentialOptIn.unreadable(secretId, "ResourceNotFoundException"));
        } catch (SecretsManagerException e) {
            String code = AwsErrors.code(e);
            if (!"AccessDeniedException".equals(code)) {
                throw e;
            }
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": "
                    + CredentialOptIn.unreadable(secretId, code));
        }
    }
}
