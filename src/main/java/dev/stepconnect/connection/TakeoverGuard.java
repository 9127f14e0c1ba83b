package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;

/** Decides whether a connection that already carries the requested Name may be used. */
public final class TakeoverGuard {

    public enum Decision {
        /** Ours from an earlier delivery of this very request: continue without writing again. */
        RESUME_OWN_REQUEST,
        /**
         * Created by this stack resource in another request: an earlier, hung Create of the same resource,
         * or an update rolling back to a previous Name. Reuse it (and write this request's marker).
         */
        REUSE_OWNED,
        /** Someone else's, or carrying no StepConnect marker: refuse. */
        REFUSE
    }

    private TakeoverGuard() {
    }

    /** What to do with a connection of the requested Name carrying {@code existing} (null: no marker). */
    public static Decision decide(ConnectionMarker existing, ConnectionMarker ours) {
        if (existing == null) {
            return Decision.REFUSE;
        }
        if (existing.sameRequest(ours)) {
            return Decision.RESUME_OWN_REQUEST;
        }
        if (existing.sameOwner(ours)) {
            return Decision.REUSE_OWNED;
        }
        return Decision.REFUSE;
    }

    /**
     * Whether a stack resource may update or delete a connection: only when the connection's marker
     * names that resource (StackId and LogicalResourceId). Another resource's marker means the connection
     * was deleted outside CloudFormation and its name reused since; no marker means StepConnect did not
     * make it (or the marker was edited out): in both cases it is not ours, and a forged request must not
     * be able to overwrite or delete it. {@code existing}: the connection's marker, null when it has none.
     */
    public static boolean mayManage(ConnectionMarker existing, ConnectionMarker ours) {
        return existing != null && ours.sameOwner(existing);
    }
}
