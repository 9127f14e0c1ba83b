package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import java.util.Optional;

/** Decides whether a connection that already carries the requested Name may be used. */
public final class TakeoverGuard {

    public enum Decision {
        /** Ours from an earlier delivery of this very request: continue, and undo it if this request fails. */
        RESUME_OWN_REQUEST,
        /** Created by this stack resource earlier (an update rolling back to a previous Name): reuse, never delete. */
        REUSE_OWNED,
        /** Someone else's: refuse. */
        REFUSE
    }

    private TakeoverGuard() {
    }

    /**
     * @param allowSameOwner false on Create: a new resource has no earlier connections, so only a retry
     *                       of the same request may find one; true on an Update that changes the Name,
     *                       where a rollback returns to a connection this resource created before
     */
    public static Decision decide(Optional<ConnectionMarker> existing, ConnectionMarker ours, boolean allowSameOwner) {
        if (existing.isEmpty()) {
            return Decision.REFUSE;
        }
        if (existing.get().sameRequest(ours)) {
            return Decision.RESUME_OWN_REQUEST;
        }
        if (allowSameOwner && existing.get().sameOwner(ours)) {
            return Decision.REUSE_OWNED;
        }
        return Decision.REFUSE;
    }

    /**
     * Whether the connection a resource's PhysicalResourceId names may still be updated or deleted by
     * it. Another resource's marker means the connection was deleted outside CloudFormation and its
     * name reused since: it is no longer ours. No marker at all is most likely a hand-edited
     * Description, so the connection stays manageable rather than leaving the stack unable to update,
     * roll back or delete.
     */
    public static boolean mayManage(Optional<ConnectionMarker> existing, ConnectionMarker ours) {
        return existing.map(ours::sameOwner).orElse(true);
    }
}
