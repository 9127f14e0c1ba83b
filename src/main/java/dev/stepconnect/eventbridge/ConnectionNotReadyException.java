package dev.stepconnect.eventbridge;

/**
 * A connection did not reach AUTHORIZED/ACTIVE. {@link #timedOut()} tells a wait that ran out of time
 * (worth retrying later) from a connection that settled in a failed state (DEAUTHORIZED,
 * FAILED_CONNECTIVITY: the credential or endpoint is wrong).
 */
public class ConnectionNotReadyException extends RuntimeException {
    private final String state;
    private final boolean timedOut;

    public ConnectionNotReadyException(String message, String state, boolean timedOut) {
        super(message);
        this.state = state;
        this.timedOut = timedOut;
    }

    public String state() {
        return state;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
