package dev.stepconnect.rotation;

import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionCredentialWriter;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.eventbridge.ConnectionWriteException;
import dev.stepconnect.eventbridge.CredentialSource;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.rotation.RotationException.Disposition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Owns which credential the secret's linked connections carry: {@link #apply} the pending one,
 * {@link #restore} the current one, {@link #requireReady} as they are. Writes go through the shared
 * {@link ConnectionCredentialWriter}, so only connections whose marker names this secret as their source are
 * ever written (issue #10.2), and each write records the source version in the marker.
 *
 * <p>The one place where a connection problem becomes a rotation disposition: a connection that does not
 * follow the secret is {@code CONFIGURATION}; missing, of another type, refused or unusable with the
 * credential is {@code ROLLED_BACK}; mid-change, conflicting, throttled or slow is {@code TRANSIENT}.
 */
final class ConnectionSwitch {
    private static final Log LOG = Log.named("rotation");
    private final ConnectionCredentialWriter writer;
    private final ConnectionGateway gateway;
    private final String secretArn;
    private final String secretName;
    private final List<String> names;

    ConnectionSwitch(ConnectionCredentialWriter writer, ConnectionGateway gateway, SecretSnapshot secret, List<String> names) {
        this.writer = writer;
        this.gateway = gateway;
        this.secretArn = secret.arn();
        this.secretName = secret.name();
        this.names = List.copyOf(names);
    }

    /**
     * Puts {@code credential} (version {@code versionId} of the secret) on every linked connection and waits
     * until each is AUTHORIZED/ACTIVE. Every connection is checked first (follows the secret, exists, same
     * type, not mid-change), so nothing is written when one of them cannot take it.
     *
     * @return the connections, ready, in tag order
     * @throws RotationException with the disposition of the first problem
     */
    List<ConnectionDescription> apply(Credential credential, String versionId, Deadline perConnection) {
        CredentialSource source = new CredentialSource(secretArn, versionId);
        checkAll(credential.type(), source);
        List<ConnectionDescription> ready = new ArrayList<>();
        for (String name : names) {
            try {
                ready.add(writer.write(name, source, credential, perConnection));
            } catch (ConnectionWriteException e) {
                throw failure(e, e.disposition() == ConnectionWriteException.Disposition.UNUSABLE
                        ? e.getMessage() + " after it was given the pending credential" : e.getMessage());
            } catch (AwsServiceException | SdkClientException e) {
                throw describeFailed(name, e);
            }
        }
        return ready;
    }

    /**
     * The connections as they are, without writing to them (the configuration test, when nothing is
     * staged): each must follow the secret, exist, have {@code type} and be AUTHORIZED/ACTIVE.
     */
    List<ConnectionDescription> requireReady(AuthorizationType type, String currentVersionId) {
        List<ConnectionDescription> described = checkAll(type, new CredentialSource(secretArn, currentVersionId));
        for (ConnectionDescription connection : described) {
            if (!connection.isReady()) {
                throw RotationException.of(Disposition.ROLLED_BACK, "connection " + connection.name() + " is "
                        + connection.state() + " with the AWSCURRENT credential");
            }
        }
        return described;
    }

    /**
     * Before a credential goes live: every linked connection that follows the secret records (in its marker) that it
     * carries version {@code versionId}. A racing invocation of the same rotation may have put the AWSCURRENT
     * credential back after testSecret proved the pending one; promoting then would leave connections on a credential
     * the operator is about to revoke. A connection that is gone or never followed the secret is not in the way.
     *
     * @throws RotationException TRANSIENT naming the connection (the retry re-applies and re-proves the credential)
     */
    void requireCarrying(String versionId) {
        for (String name : names) {
            Optional<ConnectionMarker> marker;
            try {
                marker = gateway.describe(name).flatMap(ConnectionDescription::marker).filter(m -> m.namesSource(secretArn));
            } catch (AwsServiceException | SdkClientException e) {
                throw describeFailed(name, e);
            }
            if (marker.isPresent() && !marker.get().carriesVersion(versionId)) {
                throw RotationException.of(Disposition.TRANSIENT, "connection " + name + " no longer records carrying the"
                        + " proven credential (version " + versionId + "; another invocation or a person changed it since"
                        + " testSecret), so it was not promoted");
            }
        }
    }

    /**
     * Best effort: puts the AWSCURRENT credential back on every linked connection that follows the secret,
     * exists and has its type, waiting at most {@code perConnection} for one that is mid-change. When the
     * current value cannot be read (the secret was deleted meanwhile), reports what each connection now
     * carries instead, from its marker (never a value).
     *
     * @return what could not be restored, one sentence per connection; empty when all is well
     */
    List<String> restore(Supplier<Credential> current, String currentVersionId, String token,
                         Supplier<Deadline> perConnection) {
        List<String> problems = new ArrayList<>();
        Credential credential;
        try {
            credential = current.get();
        } catch (RuntimeException e) {
            String why = RotationException.describe(e);
            for (String name : names) {
                carriesInstead(name, currentVersionId, token, why).ifPresent(problems::add);
            }
            return problems;
        }
        CredentialSource source = new CredentialSource(secretArn, currentVersionId);
        for (String name : names) {
            try {
                Deadline deadline = perConnection.get();
                Optional<ConnectionDescription> connection = gateway.awaitSettled(name, deadline);
                if (connection.isEmpty() || !credential.type().name().equals(connection.get().authorizationType())
                        || !connection.get().marker().map(m -> m.namesSource(secretArn)).orElse(false)) {
                    continue; // never written by this rotation: nothing to put back
                }
                if (connection.get().isChanging()) {
                    problems.add("connection " + name + " could not be restored to the AWSCURRENT credential: still "
                            + connection.get().state() + " when the wait ran out");
                    LOG.error("could not restore connection to the AWSCURRENT credential: still changing", null,
                            "secret", secretName, "connection", name, "state", connection.get().state());
                    continue;
                }
                writer.write(name, source, credential, deadline);
                LOG.info("connection restored to the AWSCURRENT credential", "secret", secretName, "connection", name);
            } catch (RuntimeException e) {
                String why = RotationException.describe(e);
                problems.add("connection " + name + " could not be restored to the AWSCURRENT credential (" + why + ")");
                LOG.error("could not restore connection to the AWSCURRENT credential", e, "secret", secretName,
                        "connection", name);
            }
        }
        return problems;
    }

    /** When AWSCURRENT cannot be read: what connection {@code name} carries now, if it may be the pending credential. */
    private Optional<String> carriesInstead(String name, String currentVersionId, String token, String why) {
        String carries;
        try {
            Optional<ConnectionDescription> connection = gateway.describe(name);
            Optional<ConnectionMarker> marker = connection.flatMap(ConnectionDescription::marker)
                    .filter(m -> m.namesSource(secretArn));
            if (marker.isEmpty()) {
                return Optional.empty(); // not ours (or gone): never written by this rotation
            }
            carries = marker.get().carriesVersion(token) ? "the unproven pending credential (version " + token + ")"
                    : marker.get().carriesVersion(currentVersionId) ? "the AWSCURRENT credential (version " + currentVersionId + ")"
                    : "a credential of a version it does not record";
        } catch (RuntimeException e) {
            carries = "an unknown credential (DescribeConnection failed: " + e.getClass().getSimpleName() + ")";
        }
        LOG.error("connection cannot be restored: the secret's AWSCURRENT value cannot be read", null, "secret",
                secretName, "connection", name, "reason", why);
        return Optional.of("connection " + name + " could not be restored to the AWSCURRENT credential because secret "
                + secretName + " can no longer be read (" + why + "); it carries " + carries);
    }

    private List<ConnectionDescription> checkAll(AuthorizationType type, CredentialSource source) {
        List<ConnectionDescription> described = new ArrayList<>();
        for (String name : names) {
            try {
                described.add(writer.check(name, source, type));
            } catch (ConnectionWriteException e) {
                throw failure(e, e.getMessage());
            } catch (AwsServiceException | SdkClientException e) {
                throw describeFailed(name, e);
            }
        }
        return described;
    }

    private static RotationException failure(ConnectionWriteException e, String message) {
        Disposition disposition = switch (e.disposition()) {
            case NOT_FOLLOWING -> Disposition.CONFIGURATION;
            case BUSY -> Disposition.TRANSIENT;
            case MISSING, WRONG_TYPE, REFUSED, UNUSABLE -> Disposition.ROLLED_BACK;
        };
        return RotationException.of(disposition, message);
    }

    private static RotationException describeFailed(String name, RuntimeException e) {
        return RotationException.of(Disposition.TRANSIENT, "DescribeConnection of " + name + " failed: "
                + RotationException.describe(e));
    }
}
