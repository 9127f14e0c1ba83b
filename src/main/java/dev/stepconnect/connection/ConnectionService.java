package dev.stepconnect.connection;

import dev.stepconnect.cfn.ContinueLaterException;
import dev.stepconnect.connection.CredentialsSecretStore.SecretCredential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.eventbridge.ConnectionNotReadyException;
import dev.stepconnect.eventbridge.ConnectionSpec;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;

/**
 * The lifecycle of connections owned by {@code Custom::EventBridgeConnection} resources: create (or
 * resume an earlier attempt of the same resource), update in place, replace under a new name, delete.
 * Never takes over a connection this stack resource did not create (see {@link ConnectionMarker}).
 * Every write records this request and the credential's source secret version in the marker.
 */
public final class ConnectionService {
    private static final Log LOG = Log.named("connection-provider");
    private final ConnectionGateway gateway;
    private final CredentialsSecretStore secrets;
    private final Duration maxWait;
    private final Duration reserve;

    /**
     * When a request's work must end. {@code deadline}: this invocation's; {@code waitStartedAt}: when the
     * request's first invocation began (the wait for readiness counts from there across hand-ons);
     * {@code handOnAllowed}: whether a wait cut short by this invocation's deadline may continue in a
     * later invocation ({@link ContinueLaterException}).
     */
    public record Window(Deadline deadline, Instant waitStartedAt, boolean handOnAllowed) {
    }

    /** How a connection came to carry this request's marker. */
    private enum Provisioned { CREATED, RESUMED, REUSED }

    /**
     * @param maxWait longest wait for AUTHORIZED/ACTIVE ({@code STEPCONNECT_WAIT_SECONDS}), across hand-ons
     * @param reserve time kept back from the deadline to undo a half-done Create and answer
     */
    public ConnectionService(ConnectionGateway gateway, CredentialsSecretStore secrets,
                             Duration maxWait, Duration reserve) {
        this.gateway = gateway;
        this.secrets = secrets;
        this.maxWait = maxWait;
        this.reserve = reserve;
    }

    /**
     * Create: the Name must be free, or hold the work of an earlier attempt of this same stack resource
     * (a Lambda retry of this request, or an earlier Create that hung and was abandoned).
     */
    public ConnectionDescription create(ConnectionProperties properties, ConnectionMarker ours, Window window) {
        return createOrResume(properties, ours, true, window);
    }

    /**
     * Update to a new Name: a new connection (CloudFormation deletes the old one afterwards). A rollback
     * to a Name this resource used before finds that connection still there and reuses it.
     */
    public ConnectionDescription replace(ConnectionProperties properties, ConnectionMarker ours, Window window) {
        return createOrResume(properties, ours, false, window);
    }

    /**
     * Update with the same Name: re-reads the secret (a stack update also syncs the credential) and
     * re-sends everything StepConnect owns on the connection, with this request's marker. A connection
     * that already carries this request's marker (a retry, or a hand-on) is only waited for.
     * {@code previouslyLinkedSecret}: the secret the old properties linked for rotation (null: none); the
     * connection is removed from its rotation tag unless the new properties link it too.
     */
    public ConnectionDescription updateInPlace(ConnectionProperties properties, ConnectionMarker ours,
                                               String previouslyLinkedSecret, Window window) {
        String name = properties.name();
        Optional<ConnectionDescription> current = gateway.describe(name);
        ConnectionDescription ready;
        if (current.isEmpty()) {
            // Deleted outside CloudFormation. Failing would not help: the rollback Update would find it
            // missing too and leave the stack in UPDATE_ROLLBACK_FAILED. The name is free, so recreate it.
            LOG.warn("connection no longer exists; recreating it", "connectionName", name);
            ready = createOrResume(properties, ours, false, window);
        } else {
            ready = updateOwned(properties, ours, current.get(), window);
        }
        if (previouslyLinkedSecret != null && (!properties.linkSecretForRotation()
                || !previouslyLinkedSecret.equals(properties.credentialsSecretId()))) {
            unlinkQuietly(previouslyLinkedSecret, name);
        }
        return ready;
    }

    /** The connection named {@code name}, as it is now (empty: no such connection). */
    public Optional<ConnectionDescription> describe(String name) {
        return gateway.describe(name);
    }

    /**
     * Deletes a connection the caller has found to be this resource's (ConcurrentModification retried
     * until {@code deadline}; already gone is fine), and removes it from {@code linkedSecret}'s rotation tag
     * (null: linked to no secret).
     */
    public void deleteOwned(String name, String linkedSecret, Deadline deadline) {
        boolean existed = gateway.delete(name, deadline);
        LOG.info("connection deleted", "connectionName", name, "existed", existed);
        if (linkedSecret != null) {
            unlinkQuietly(linkedSecret, name);
        }
    }

    /**
     * Deletes {@code name} if this very request wrote it last: used when CloudFormation was already
     * told the request failed (or no longer wants it), so it will never delete what the request left.
     * {@code linkedSecret} (null: none) loses the connection from its rotation tag.
     */
    public void undoIfCreatedBy(String name, ConnectionMarker ours, String linkedSecret) {
        Optional<ConnectionMarker> marker = gateway.describe(name).flatMap(ConnectionDescription::marker);
        if (marker.isPresent() && marker.get().sameRequest(ours)) {
            boolean existed = gateway.delete(name);
            LOG.info("connection of the abandoned request deleted", "connectionName", name, "existed", existed);
            if (linkedSecret != null) {
                unlinkQuietly(linkedSecret, name);
            }
        }
    }

    /** Removes {@code name} from the secret's rotation tag; a failure is logged, never thrown. */
    public void unlinkQuietly(String secretId, String name) {
        try {
            secrets.unlink(secretId, name);
        } catch (RuntimeException e) {
            // The deletion is what matters; a stale name in the tag only names a connection that is gone.
            LOG.warn("could not remove the connection from the secret's rotation tag", "connectionName", name,
                    "errorType", e.getClass().getSimpleName());
        }
    }

    private ConnectionDescription updateOwned(ConnectionProperties properties, ConnectionMarker ours,
                                              ConnectionDescription current, Window window) {
        String name = properties.name();
        Optional<ConnectionMarker> existing = current.marker();
        if (existing.isPresent() && existing.get().sameRequest(ours)) {
            LOG.info("connection already written by this request; waiting for it", "connectionName", name);
        } else if (!TakeoverGuard.mayManage(existing.orElse(null), ours)) {
            throw new ConnectionConflictException(existing.isEmpty()
                    ? ConnectionProperties.NAME + ": connection " + name + " carries no StepConnect marker (it was not"
                    + " made by StepConnect, or the marker was edited out of its Description); StepConnect never"
                    + " overwrites such a connection. Change Name to create a new one"
                    : ConnectionProperties.NAME + ": connection " + name + " now belongs to another stack resource (it"
                    + " was deleted outside CloudFormation and the name reused); StepConnect never takes over a"
                    + " connection it does not own. Change Name to create a new one");
        } else {
            SecretCredential read = secrets.read(properties.credentialsSecretId(), properties.authorizationType());
            gateway.update(spec(properties, ours, read), window.deadline());
        }
        ConnectionDescription ready = awaitReady(name, window);
        if (properties.linkSecretForRotation()) {
            secrets.link(properties.credentialsSecretId(), name);
        }
        return ready;
    }

    /** @param undoReused a reused connection of this resource is undone on failure (Create: no one else uses it) */
    private ConnectionDescription createOrResume(ConnectionProperties properties, ConnectionMarker ours,
                                                 boolean undoReused, Window window) {
        SecretCredential read = secrets.read(properties.credentialsSecretId(), properties.authorizationType());
        Provisioned provisioned = provision(properties, ours, read, window.deadline());
        try {
            ConnectionDescription ready = awaitReady(properties.name(), window);
            if (properties.linkSecretForRotation()) {
                secrets.link(properties.credentialsSecretId(), properties.name());
            }
            return ready;
        } catch (ContinueLaterException handedOn) {
            throw handedOn;
        } catch (RuntimeException failure) {
            if (provisioned != Provisioned.REUSED || undoReused) {
                // CloudFormation will record this request as failed and never delete the connection: undo it.
                deleteQuietly(properties.name());
            }
            throw failure;
        }
    }

    private Provisioned provision(ConnectionProperties properties, ConnectionMarker ours, SecretCredential read,
                                  Deadline deadline) {
        String name = properties.name();
        // Check before creating: some implementations silently overwrite an existing name on create.
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<ConnectionDescription> existing = gateway.describe(name);
            if (existing.isEmpty()) {
                try {
                    gateway.create(spec(properties, ours, read));
                    LOG.info("connection created", "connectionName", name);
                    return Provisioned.CREATED;
                } catch (ResourceAlreadyExistsException raced) {
                    // A concurrent delivery of the same request (or someone else) created it meanwhile: look again.
                    continue;
                }
            }
            switch (TakeoverGuard.decide(existing.get().marker().orElse(null), ours)) {
                case REFUSE -> throw new ConnectionConflictException(ConnectionProperties.NAME + ": a connection named "
                        + name + " already exists and was not created by this stack resource; StepConnect never takes"
                        + " over a connection it does not own. Choose another Name, or delete the existing connection");
                case RESUME_OWN_REQUEST -> {
                    // Same request, same properties: nothing to re-send, and an update racing the first
                    // delivery's create could only fail with a concurrent-modification error.
                    LOG.info("connection already created by an earlier delivery of this request; resumed",
                            "connectionName", name);
                    return Provisioned.RESUMED;
                }
                case REUSE_OWNED -> {
                    gateway.update(spec(properties, ours, read), deadline);
                    LOG.info("connection created earlier by this stack resource; reused", "connectionName", name);
                    return Provisioned.REUSED;
                }
            }
        }
        throw new ConnectionConflictException(ConnectionProperties.NAME + ": connection " + name
                + " appeared and disappeared while it was being created; retry the stack operation");
    }

    /**
     * Waits for AUTHORIZED/ACTIVE until the overall wait ({@code maxWait} from the request's first
     * invocation) or this invocation's deadline, whichever comes first. When this invocation's deadline
     * cut the wait short and a hand-on is allowed, the request continues in a later invocation.
     */
    private ConnectionDescription awaitReady(String name, Window window) {
        Deadline overall = new Deadline(window.waitStartedAt().plus(maxWait), window.deadline().clock());
        Deadline thisInvocation = window.deadline().minus(reserve);
        try {
            return gateway.awaitReady(name, overall.min(thisInvocation));
        } catch (ConnectionNotReadyException notReady) {
            if (notReady.timedOut() && window.handOnAllowed() && overall.at().isAfter(thisInvocation.at())) {
                throw new ContinueLaterException(notReady.getMessage(), name);
            }
            throw notReady;
        }
    }

    private static ConnectionSpec spec(ConnectionProperties properties, ConnectionMarker ours, SecretCredential read) {
        ConnectionMarker marker = ours.carrying(read.source().secretArn(), read.source().versionId());
        return new ConnectionSpec(properties.name(), marker.appendTo(properties.description()), read.credential(),
                properties.invocationParameters(), properties.oauthHttpParameters(), properties.kmsKeyIdentifier(),
                properties.connectivity());
    }

    private void deleteQuietly(String name) {
        try {
            gateway.delete(name);
            LOG.info("connection of the failed request deleted", "connectionName", name);
        } catch (RuntimeException e) {
            LOG.error("could not delete the connection of the failed request; delete it by hand", e,
                    "connectionName", name);
        }
    }
}
