package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.eventbridge.ConnectionSpec;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;

/**
 * The lifecycle of connections owned by {@code Custom::EventBridgeConnection} resources: create (or
 * resume an earlier delivery of the same request), update in place, replace under a new name, delete.
 * Never takes over a connection this stack resource did not create (see {@link ConnectionMarker}).
 */
public final class ConnectionService {
    private static final Log LOG = Log.named("connection-provider");
    private final ConnectionGateway gateway;
    private final CredentialsSecretStore secrets;
    private final Duration maxWait;
    private final Duration reserve;

    /**
     * @param maxWait longest wait for AUTHORIZED/ACTIVE ({@code STEPCONNECT_WAIT_SECONDS})
     * @param reserve time kept back from the deadline to undo a half-done Create and answer
     */
    public ConnectionService(ConnectionGateway gateway, CredentialsSecretStore secrets,
                             Duration maxWait, Duration reserve) {
        this.gateway = gateway;
        this.secrets = secrets;
        this.maxWait = maxWait;
        this.reserve = reserve;
    }

    /** Create: the Name must be free, or hold the work of an earlier delivery of this same request. */
    public ConnectionDescription create(ConnectionProperties properties, ConnectionMarker ours, Deadline deadline) {
        return createOrResume(properties, ours, false, deadline);
    }

    /**
     * Update to a new Name: a new connection (CloudFormation deletes the old one afterwards). A rollback
     * to a Name this resource used before finds that connection still there and reuses it.
     */
    public ConnectionDescription replace(ConnectionProperties properties, ConnectionMarker ours, Deadline deadline) {
        return createOrResume(properties, ours, true, deadline);
    }

    /**
     * Update with the same Name: re-reads the secret (a stack update also syncs the credential) and
     * re-sends everything StepConnect owns on the connection. Keeps the connection's ownership marker.
     */
    public ConnectionDescription updateInPlace(ConnectionProperties properties, ConnectionMarker ours,
                                               Optional<String> previouslyLinkedSecret, Deadline deadline) {
        String name = properties.name();
        Optional<String> description = descriptionOf(name);
        ConnectionDescription ready;
        if (description.isEmpty()) {
            // Deleted outside CloudFormation. Failing would not help: the rollback Update would find it
            // missing too and leave the stack in UPDATE_ROLLBACK_FAILED. The name is free, so recreate it.
            LOG.warn("connection no longer exists; recreating it", "connectionName", name);
            ready = createOrResume(properties, ours, true, deadline);
        } else {
            ready = updateOwned(properties, ours, description.get(), deadline);
        }
        previouslyLinkedSecret
                .filter(secret -> !properties.linkSecretForRotation() || !secret.equals(properties.credentialsSecretId()))
                .ifPresent(secret -> unlinkQuietly(secret, name));
        return ready;
    }

    /**
     * Deletes the connection (already gone is fine) unless another stack resource owns it by now, and
     * removes it from the secret's rotation tag.
     */
    public void delete(String name, ConnectionMarker ours, Optional<String> linkedSecret) {
        if (TakeoverGuard.mayManage(descriptionOf(name).flatMap(ConnectionMarker::find), ours)) {
            deleteOwned(name, linkedSecret);
            return;
        }
        LOG.warn("connection now belongs to another stack resource; left in place", "connectionName", name);
        linkedSecret.ifPresent(secret -> unlinkQuietly(secret, name));
    }

    /**
     * Deletes {@code name} if this very request created it: used when CloudFormation was already told
     * the request failed, so it will never delete what the request left behind.
     */
    public void undoIfCreatedBy(String name, ConnectionMarker ours, Optional<String> linkedSecret) {
        Optional<ConnectionMarker> marker = descriptionOf(name).flatMap(ConnectionMarker::find);
        if (marker.isPresent() && marker.get().sameRequest(ours)) {
            deleteOwned(name, linkedSecret);
        }
    }

    private void deleteOwned(String name, Optional<String> linkedSecret) {
        boolean existed = gateway.delete(name);
        LOG.info("connection deleted", "connectionName", name, "existed", existed);
        linkedSecret.ifPresent(secret -> unlinkQuietly(secret, name));
    }

    private ConnectionDescription updateOwned(ConnectionProperties properties, ConnectionMarker ours,
                                              String description, Deadline deadline) {
        String name = properties.name();
        Optional<ConnectionMarker> existing = ConnectionMarker.find(description);
        if (!TakeoverGuard.mayManage(existing, ours)) {
            throw new ConnectionConflictException(ConnectionProperties.NAME + ": connection " + name + " now belongs to"
                    + " another stack resource (it was deleted outside CloudFormation and the name reused); StepConnect"
                    + " never takes over a connection it does not own. Change Name to create a new one");
        }
        Credential credential = secrets.read(properties.credentialsSecretId(), properties.authorizationType());
        gateway.update(spec(properties, existing.orElse(ours), credential));
        ConnectionDescription ready = gateway.awaitReady(name, waitDeadline(deadline));
        if (properties.linkSecretForRotation()) {
            secrets.link(properties.credentialsSecretId(), name);
        }
        return ready;
    }

    private ConnectionDescription createOrResume(ConnectionProperties properties, ConnectionMarker ours,
                                                 boolean allowSameOwner, Deadline deadline) {
        Credential credential = secrets.read(properties.credentialsSecretId(), properties.authorizationType());
        boolean createdByThisRequest = provision(properties, ours, credential, allowSameOwner);
        try {
            ConnectionDescription ready = gateway.awaitReady(properties.name(), waitDeadline(deadline));
            if (properties.linkSecretForRotation()) {
                secrets.link(properties.credentialsSecretId(), properties.name());
            }
            return ready;
        } catch (RuntimeException failure) {
            if (createdByThisRequest) {
                // CloudFormation will record this request as failed and never delete the connection: undo it.
                deleteQuietly(properties.name());
            }
            throw failure;
        }
    }

    /** @return true when the connection is this request's own work (and must be undone if the request fails) */
    private boolean provision(ConnectionProperties properties, ConnectionMarker ours, Credential credential,
                              boolean allowSameOwner) {
        String name = properties.name();
        // Check before creating: some implementations silently overwrite an existing name on create.
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<String> existing = descriptionOf(name);
            if (existing.isEmpty()) {
                try {
                    gateway.create(spec(properties, ours, credential));
                    LOG.info("connection created", "connectionName", name);
                    return true;
                } catch (ResourceAlreadyExistsException raced) {
                    // A concurrent delivery of the same request (or someone else) created it meanwhile: look again.
                    continue;
                }
            }
            Optional<ConnectionMarker> marker = ConnectionMarker.find(existing.get());
            switch (TakeoverGuard.decide(marker, ours, allowSameOwner)) {
                case REFUSE -> throw new ConnectionConflictException(ConnectionProperties.NAME + ": a connection named "
                        + name + " already exists and was not created by this stack resource; StepConnect never takes"
                        + " over a connection it does not own. Choose another Name, or delete the existing connection");
                case RESUME_OWN_REQUEST -> {
                    // Same request, same properties: nothing to re-send, and an update racing the first
                    // delivery's create could only fail with a concurrent-modification error.
                    LOG.info("connection already created by an earlier delivery of this request; resumed",
                            "connectionName", name);
                    return true;
                }
                case REUSE_OWNED -> {
                    gateway.update(spec(properties, marker.get(), credential));
                    LOG.info("connection created earlier by this stack resource; reused", "connectionName", name);
                    return false;
                }
            }
        }
        throw new ConnectionConflictException(ConnectionProperties.NAME + ": connection " + name
                + " appeared and disappeared while it was being created; retry the stack operation");
    }

    private static ConnectionSpec spec(ConnectionProperties properties, ConnectionMarker marker, Credential credential) {
        return new ConnectionSpec(properties.name(), marker.appendTo(properties.description()), credential,
                properties.invocationParameters(), properties.oauthHttpParameters(), properties.kmsKeyIdentifier());
    }

    /** Empty when no connection has that name; otherwise its Description ("" when it has none). */
    private Optional<String> descriptionOf(String name) {
        return gateway.describe(name).map(ConnectionDescription::description);
    }

    private Deadline waitDeadline(Deadline deadline) {
        return Deadline.in(maxWait, deadline.clock()).min(deadline.minus(reserve));
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

    private void unlinkQuietly(String secretId, String name) {
        try {
            secrets.unlink(secretId, name);
        } catch (RuntimeException e) {
            // The deletion is what matters; a stale name in the tag only names a connection that is gone.
            LOG.warn("could not remove the connection from the secret's rotation tag", "connectionName", name,
                    "errorType", e.getClass().getSimpleName());
        }
    }
}
