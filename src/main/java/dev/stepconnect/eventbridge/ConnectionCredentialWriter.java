package dev.stepconnect.eventbridge;

import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionWriteException.Disposition;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;

/**
 * Puts a source secret's credential on a connection that follows that secret: the one implementation
 * of "push a credential into a connection" that rotation and the guardian share.
 *
 * <p>Only a connection whose {@link ConnectionMarker} names the secret as its source is ever written
 * (a secret's {@code stepconnect:connection} tag is set by whoever can tag the secret, so the tag alone
 * must not let one team write to another team's connection). Each write records the source version in
 * the marker, keeps the owner part (CloudFormation's link to the connection), the user's Description
 * text, the KMS key and the HTTP parameters, and waits until the connection is AUTHORIZED or ACTIVE.
 */
public final class ConnectionCredentialWriter {
    private static final Log LOG = Log.named("connection-writer");
    private final ConnectionGateway gateway;

    public ConnectionCredentialWriter(ConnectionGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * The connection as it is, if {@code source} may write a credential of {@code type} to it now.
     *
     * @throws ConnectionWriteException MISSING, NOT_FOLLOWING, WRONG_TYPE, or BUSY when it is mid-change
     */
    public ConnectionDescription check(String name, CredentialSource source, AuthorizationType type) {
        ConnectionDescription current = gateway.describe(name).orElseThrow(() -> new ConnectionWriteException(
                Disposition.MISSING, name, "connection " + name + " does not exist"));
        if (!current.marker().map(marker -> marker.namesSource(source.secretArn())).orElse(false)) {
            throw new ConnectionWriteException(Disposition.NOT_FOLLOWING, name, "connection " + name
                    + " does not name this secret as its source in its StepConnect marker, so nothing was written to it"
                    + " (a secret's stepconnect:connection tag alone never grants writing to a connection; its owner can"
                    + " adopt it, see docs/connection.md)");
        }
        if (!type.name().equals(current.authorizationType())) {
            throw new ConnectionWriteException(Disposition.WRONG_TYPE, name, "connection " + name + " uses "
                    + current.authorizationType() + " but the secret holds a credential of type " + type);
        }
        if (current.isChanging()) {
            throw new ConnectionWriteException(Disposition.BUSY, name, "connection " + name + " is " + current.state()
                    + "; retry when it has settled");
        }
        return current;
    }

    /**
     * Checks ({@link #check}), writes {@code credential} with {@code source}'s version in the marker, and
     * waits until the connection is ready or {@code deadline} passes.
     *
     * @return the connection once AUTHORIZED/ACTIVE
     * @throws ConnectionWriteException with the disposition of what went wrong
     */
    public ConnectionDescription write(String name, CredentialSource source, Credential credential, Deadline deadline) {
        ConnectionDescription current = check(name, source, credential.type());
        ConnectionMarker marker = current.marker().orElseThrow().carrying(source.secretArn(), source.versionId());
        try {
            gateway.updateCredential(current, credential, marker, deadline);
        } catch (ConnectionRequestException e) {
            throw new ConnectionWriteException(e.retryable() ? Disposition.BUSY : Disposition.REFUSED, name, e.getMessage());
        }
        try {
            ConnectionDescription ready = gateway.awaitReady(name, deadline);
            LOG.info("connection carries the source version", "connection", name, "state", ready.state());
            return ready;
        } catch (ConnectionNotReadyException e) {
            throw new ConnectionWriteException(e.timedOut() ? Disposition.BUSY : Disposition.UNUSABLE, name, e.getMessage());
        }
    }
}
