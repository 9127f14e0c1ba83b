package dev.stepconnect.testing;

import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

/**
 * Plays Secrets Manager's part at the start of a rotation: rotation enabled, and a version with the
 * rotation's token labelled AWSPENDING that has no value yet. No rotation Lambda is named (an emulator
 * could not run one); moto then labels the new value-less version AWSCURRENT, so the labels are moved
 * back with UpdateSecretVersionStage and the end state is exactly AWS's, whatever the endpoint did.
 */
public final class RotationStart {
    private RotationStart() {
    }

    /** Returns the rotation's ClientRequestToken. */
    public static String begin(SecretsManagerClient secrets, String secretArn) {
        String token = UUID.randomUUID().toString();
        String current = versionWith(secrets, secretArn, "AWSCURRENT");
        secrets.rotateSecret(r -> r.secretId(secretArn).clientRequestToken(token)
                .rotationRules(rules -> rules.automaticallyAfterDays(30L)));
        if (stagesOf(secrets, secretArn, token).contains("AWSCURRENT")) {
            secrets.updateSecretVersionStage(r -> r.secretId(secretArn).versionStage("AWSCURRENT")
                    .moveToVersionId(current).removeFromVersionId(token));
            secrets.updateSecretVersionStage(r -> r.secretId(secretArn).versionStage("AWSPENDING").moveToVersionId(token));
            if (stagesOf(secrets, secretArn, token).contains("AWSPREVIOUS")) {
                secrets.updateSecretVersionStage(r -> r.secretId(secretArn).versionStage("AWSPREVIOUS")
                        .removeFromVersionId(token));
            }
        }
        if (!stagesOf(secrets, secretArn, token).equals(List.of("AWSPENDING"))
                || !stagesOf(secrets, secretArn, current).equals(List.of("AWSCURRENT"))) {
            throw new IllegalStateException("could not reach the rotation start state on this endpoint");
        }
        return token;
    }

    public static List<String> stagesOf(SecretsManagerClient secrets, String secretArn, String versionId) {
        return secrets.listSecretVersionIds(r -> r.secretId(secretArn).includeDeprecated(true)).versions().stream()
                .filter(v -> v.versionId().equals(versionId))
                .findFirst()
                .map(SecretVersionsListEntry::versionStages)
                .orElse(List.of());
    }

    public static String versionWith(SecretsManagerClient secrets, String secretArn, String stage) {
        return secrets.listSecretVersionIds(r -> r.secretId(secretArn)).versions().stream()
                .filter(v -> v.versionStages().contains(stage))
                .map(SecretVersionsListEntry::versionId)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + stage + " version"));
    }
}
