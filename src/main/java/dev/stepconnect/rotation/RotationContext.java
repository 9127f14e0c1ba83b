package dev.stepconnect.rotation;

import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.rotation.RotationException.Disposition;
import java.time.Duration;
import java.util.Optional;

/**
 * One step invocation on one secret: the event, what DescribeSecret showed, the secret's settings, the
 * linked connections, and the time budget. Reads the secret's values (never logs them).
 */
final class RotationContext {
    private static final Log LOG = Log.named("rotation");
    private final RotationEvent event;
    private final SecretSnapshot secret;
    private final RotationSettings settings;
    private final SecretStore store;
    private final ConnectionSwitch connections;
    private final Deadline deadline;
    private final Duration waitPerConnection;

    RotationContext(RotationEvent event, SecretSnapshot secret, RotationSettings settings, SecretStore store,
                    ConnectionSwitch connections, Deadline deadline, Duration waitPerConnection) {
        this.event = event;
        this.secret = secret;
        this.settings = settings;
        this.store = store;
        this.connections = connections;
        this.deadline = deadline;
        this.waitPerConnection = waitPerConnection;
    }

    RotationEvent event() { return event; }
    SecretSnapshot secret() { return secret; }
    RotationSettings settings() { return settings; }
    SecretStore store() { return store; }
    ConnectionSwitch connections() { return connections; }

    /** The rotation's ClientRequestToken: the VersionId of the pending version. */
    String token() {
        return event.clientRequestToken();
    }

    /** The VersionId labelled AWSCURRENT (the guard made sure there is one). */
    String currentVersion() {
        return secret.versionWith(SecretSnapshot.CURRENT).orElseThrow();
    }

    String currentJson() {
        return store.current(secret.arn());
    }

    /** The AWSCURRENT credential; an invalid one is a configuration problem. */
    Credential current() {
        return parseCurrent(currentJson());
    }

    Credential parseCurrent(String json) {
        try {
            return CredentialSecrets.parse(json);
        } catch (InvalidCredentialException e) {
            throw RotationException.of(Disposition.CONFIGURATION, "the AWSCURRENT value of secret " + secret.name()
                    + " is not a valid credentials secret: " + e.getMessage());
        }
    }

    /** The value staged as AWSPENDING under the token; empty while the version has none. */
    Optional<String> staged() {
        return store.pending(secret.arn(), token());
    }

    /** A staged value that cannot work is refused for good: the recovery removes it so another can be staged. */
    Credential parsePending(String json, AuthorizationType type) {
        try {
            return CredentialSecrets.parse(json, type);
        } catch (InvalidCredentialException e) {
            throw RotationException.of(Disposition.ROLLED_BACK, "the value staged as AWSPENDING is not a valid " + type
                    + " credential: " + e.getMessage());
        }
    }

    /** The staged pending credential, which setSecret and a real testSecret need. */
    Credential requirePending(AuthorizationType type) {
        String json = staged().orElseThrow(() -> RotationException.of(Disposition.CONFIGURATION, "secret " + secret.name()
                + " has no value staged as AWSPENDING for token " + token() + ": createSecret has not completed for this rotation"));
        return parsePending(json, type);
    }

    /** Refuses to go on with a secret that is scheduled for deletion (issue #10.7). */
    void requireNotDeleted() {
        if (secret.scheduledForDeletion()) {
            throw RotationException.of(Disposition.CONFIGURATION, "secret " + secret.name()
                    + " is scheduled for deletion; the rotation cannot go on (restore the secret to rotate it)");
        }
    }

    /** Forward work leaves a share of the invocation for putting the connections back. */
    Deadline forwardDeadline() {
        Duration total = deadline.remaining();
        Duration reserve = total.dividedBy(3).compareTo(waitPerConnection) < 0 ? total.dividedBy(3) : waitPerConnection;
        return deadline.minus(reserve);
    }

    /** One connection's write and wait during forward work. */
    Deadline connectionDeadline() {
        return Deadline.in(waitPerConnection, deadline.clock()).min(forwardDeadline());
    }

    /** Each restored connection gets at most the configured wait, so one stuck connection cannot starve the others. */
    Deadline restoreDeadline() {
        return Deadline.in(waitPerConnection, deadline.clock()).min(deadline);
    }

    void log(String message, Object... fields) {
        Object[] all = new Object[fields.length + 6];
        all[0] = "step";
        all[1] = event.step().wireName();
        all[2] = "secret";
        all[3] = secret.name();
        all[4] = "token";
        all[5] = token();
        System.arraycopy(fields, 0, all, 6, fields.length);
        LOG.info(message, all);
    }

    void warn(String message, String reason) {
        LOG.warn(message, "step", event.step().wireName(), "secret", secret.name(), "token", token(), "reason", reason);
    }
}
