package dev.stepconnect.rotation;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.rotation.RotationException.Disposition;
import java.util.Optional;

/**
 * createSecret: make sure the token's version holds the new credential, as AWSPENDING. A value already
 * staged under the token is kept (Secrets Manager restarts a failed rotation from createSecret with the same
 * token, and an operator stages a {@code pending} value this way); otherwise {@code random} generates one and
 * {@code pending} tells the operator the command that stages it. Never touches a connection.
 */
final class CreateSecretStep {
    private final CredentialGenerator randomGenerator;
    private final RotationMetrics metrics;

    CreateSecretStep(CredentialGenerator randomGenerator, RotationMetrics metrics) {
        this.randomGenerator = randomGenerator;
        this.metrics = metrics;
    }

    void run(RotationContext context) {
        try {
            stage(context);
        } catch (RuntimeException e) {
            throw Recovery.afterNothingWritten(context, e);
        }
        metrics.count(RotationMetrics.STARTED, context.settings().connections());
    }

    private void stage(RotationContext context) {
        SecretSnapshot secret = context.secret();
        String currentJson = context.currentJson();
        Credential current = context.parseCurrent(currentJson);
        Optional<String> staged = context.staged();
        if (staged.isPresent()) {
            context.parsePending(staged.get(), current.type());
            context.log("keeping the value already staged as AWSPENDING for this token");
            return;
        }
        if (context.settings().generator() == RotationSettings.Generator.PENDING) {
            throw RotationException.of(Disposition.CONFIGURATION, "no new credential is staged for this rotation of secret "
                    + secret.name() + " (stepconnect:generator is 'pending'). Stage it under this rotation's token,"
                    + " then let Secrets Manager retry the rotation: aws secretsmanager put-secret-value --secret-id '"
                    + secret.arn() + "' --client-request-token " + context.token()
                    + " --version-stages AWSPENDING --secret-string file://new-credential.json");
        }
        Credential next = randomGenerator.next(current);
        // Same token + different value is refused by Secrets Manager: a retried createSecret never mints a second value.
        context.store().putPending(secret.arn(), context.token(), CredentialSecrets.write(next, currentJson),
                context.event().rotationToken());
        if (context.staged().isEmpty()) {
            throw RotationException.of(Disposition.TRANSIENT, "the generated credential is not readable as AWSPENDING yet");
        }
        context.log("generated a new credential and stored it as AWSPENDING", "generator", "random");
    }
}
