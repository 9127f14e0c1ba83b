package dev.stepconnect.connection;

import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.CredentialSource;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/** The user's credentials secrets: reading a credential, and the rotation link tag. */
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

    /** Reads and validates the credential (its secret value is registered for redaction while parsing). */
    public SecretCredential read(String secretId, AuthorizationType expected) {
        GetSecretValueResponse response;
        try {
            response = secrets.getSecretValue(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": secret '" + secretId
                    + "' does not exist (or has no AWSCURRENT version)");
        } catch (SecretsManagerException e) {
            if (e.awsErrorDetails() == null || !UNREADABLE.contains(e.awsErrorDetails().errorCode())) {
                throw e;
            }
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": cannot read secret '"
                    + secretId + "': " + e.awsErrorDetails().errorCode() + " (" + e.awsErrorDetails().errorMessage()
                    + "); check ConnectionCredentialsSecretNames and ConnectionKmsKeyArn of the StepConnect stack");
        }
        if (response.secretString() == null) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": secret '" + secretId
                    + "' has no SecretString (binary secrets are not supported)");
        }
        try {
            return new SecretCredential(CredentialSecrets.parse(response.secretString(), expected),
                    new CredentialSource(response.arn(), response.versionId()));
        } catch (InvalidCredentialException e) {
            throw new InvalidPropertyException(ConnectionProperties.CREDENTIALS_SECRET_ARN + ": " + e.getMessage());
        }
    }

    /** Adds {@code connectionName} to the secret's rotation tag, keeping the names already there. */
    public void link(String secretId, String connectionName) {
        Optional<String> current = currentLink(secretId);
        String updated = RotationLink.add(current, connectionName);
        if (!current.equals(Optional.of(updated))) {
            secrets.tagResource(r -> r.secretId(secretId).tags(Tag.builder().key(RotationLink.TAG).value(updated).build()));
        }
    }

    /** Removes {@code connectionName} from the rotation tag; a secret that is gone has nothing to unlink. */
    public void unlink(String secretId, String connectionName) {
        Optional<String> current;
        try {
            current = currentLink(secretId);
        } catch (ResourceNotFoundException e) {
            return;
        }
        if (current.isEmpty()) {
            return;
        }
        Optional<String> updated = RotationLink.remove(current, connectionName);
        if (updated.equals(current)) {
            return;
        }
        if (updated.isEmpty()) {
            secrets.untagResource(r -> r.secretId(secretId).tagKeys(RotationLink.TAG));
        } else {
            secrets.tagResource(r -> r.secretId(secretId).tags(Tag.builder().key(RotationLink.TAG).value(updated.get()).build()));
        }
    }

    private Optional<String> currentLink(String secretId) {
        return secrets.describeSecret(r -> r.secretId(secretId)).tags().stream()
                .filter(tag -> RotationLink.TAG.equals(tag.key()))
                .map(Tag::value)
                .findFirst();
    }
}
