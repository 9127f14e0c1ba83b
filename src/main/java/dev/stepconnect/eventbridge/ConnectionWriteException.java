package dev.stepconnect.eventbridge;

/**
 * A credential could not be put on a connection. The {@link Disposition} says what the caller should
 * do; the message names the connection and the reason, never a credential value.
 */
public class ConnectionWriteException extends RuntimeException {

    public enum Disposition {
        /** The connection's marker does not name the secret as its source: never written, by design. */
        NOT_FOLLOWING,
        /** No connection has that name. */
        MISSING,
        /** The connection uses another authorization type than the credential. */
        WRONG_TYPE,
        /** Mid-change, conflicting, throttled, 5xx, or still not ready when the wait ran out: try again later. */
        BUSY,
        /** EventBridge refused the request (validation, access denied): the same request will fail again. */
        REFUSED,
        /** Written, but the connection settled DEAUTHORIZED or FAILED_CONNECTIVITY with it. */
        UNUSABLE
    }

    private final Disposition disposition;
    private final String connectionName;

    public ConnectionWriteException(Disposition disposition, String connectionName, String message) {
        super(message);
        this.disposition = disposition;
        this.connectionName = connectionName;
    }

    public Disposition disposition() {
        return disposition;
    }

    public String connectionName() {
        return connectionName;
    }
}
