package dev.stepconnect.guardian;

/**
 * The guardian's decision table: what to do with one managed connection, from plain facts. Pure: no
 * AWS types, no clock (time-based facts arrive already evaluated in {@link Situation}).
 *
 * <p>Order of the rules, first match wins:
 * <ol>
 *   <li>source secret deleted (or scheduled for deletion) → {@link Action#ALERT_SECRET_DELETED}, nothing touched;</li>
 *   <li>connection missing → {@link Action#IGNORE_MISSING};</li>
 *   <li>marker does not name the secret as its source → {@link Action#IGNORE_NOT_FOLLOWING} (never written);</li>
 *   <li>rotation in progress → {@link Action#WAIT_ROTATION} (never fight a rotation);</li>
 *   <li>connection mid-change (CREATING, UPDATING, AUTHORIZING, ...) → {@link Action#WAIT_BUSY};</li>
 *   <li>DEAUTHORIZED / FAILED_CONNECTIVITY:
 *     the current version was refused before → {@link Action#HOLD_REFUSED};
 *     it was healed with the current version moments ago and fell again → {@link Action#MARK_REFUSED};
 *     the flap limit is reached → {@link Action#HOLD_FLAP_LIMIT};
 *     else → {@link Action#HEAL};</li>
 *   <li>AUTHORIZED / ACTIVE: marker lacks AWSCURRENT's version → {@link Action#SYNC}; else {@link Action#NONE}.</li>
 * </ol>
 */
public final class GuardianDecision {
    private GuardianDecision() {
    }

    public enum Trigger { CONNECTION_STATE, SECRET_CHANGE, SCHEDULED_CHECK }

    public enum Action {
        /** Healthy and on AWSCURRENT. */
        NONE(false),
        /** Re-apply AWSCURRENT to a DEAUTHORIZED/FAILED_CONNECTIVITY connection (counts against the flap limit). */
        HEAL(true),
        /** Put AWSCURRENT on a ready connection that carries another (or no recorded) version. */
        SYNC(true),
        WAIT_ROTATION(false),
        WAIT_BUSY(false),
        /** The partner refused this very credential before: re-applying it would loop. */
        HOLD_REFUSED(false),
        /** Healed with the current version moments ago and deauthorized again: record the refusal, stop. */
        MARK_REFUSED(false),
        HOLD_FLAP_LIMIT(false),
        ALERT_SECRET_DELETED(false),
        IGNORE_MISSING(false),
        IGNORE_NOT_FOLLOWING(false);

        private final boolean writes;

        Action(boolean writes) {
            this.writes = writes;
        }

        /** Whether the action writes AWSCURRENT into the connection. */
        public boolean writes() {
            return writes;
        }
    }

    /**
     * Facts about one connection and its source secret.
     *
     * @param connectionState DescribeConnection's state; null when the connection does not exist
     * @param recentHeals heals of this connection in the last 60 minutes (sliding)
     * @param healLimit STEPCONNECT_HEAL_LIMIT
     * @param healedCurrentMomentsAgo the last heal put the current version on, within the refusal window
     */
    public record Situation(Trigger trigger, String connectionState, boolean followsSecret, boolean carriesCurrent,
                            boolean rotationInProgress, boolean secretDeleted, boolean currentRefused,
                            boolean healedCurrentMomentsAgo, int recentHeals, int healLimit) {

        public static Builder builder(Trigger trigger) {
            return new Builder(trigger);
        }

        public static final class Builder {
            private final Trigger trigger;
            private String connectionState;
            private boolean followsSecret;
            private boolean carriesCurrent;
            private boolean rotationInProgress;
            private boolean secretDeleted;
            private boolean currentRefused;
            private boolean healedCurrentMomentsAgo;
            private int recentHeals;
            private int healLimit = 3;

            private Builder(Trigger trigger) {
                this.trigger = trigger;
            }

            public Builder connectionState(String value) { connectionState = value; return this; }
            public Builder followsSecret(boolean value) { followsSecret = value; return this; }
            public Builder carriesCurrent(boolean value) { carriesCurrent = value; return this; }
            public Builder rotationInProgress(boolean value) { rotationInProgress = value; return this; }
            public Builder secretDeleted(boolean value) { secretDeleted = value; return this; }
            public Builder currentRefused(boolean value) { currentRefused = value; return this; }
            public Builder healedCurrentMomentsAgo(boolean value) { healedCurrentMomentsAgo = value; return this; }
            public Builder recentHeals(int value) { recentHeals = value; return this; }
            public Builder healLimit(int value) { healLimit = value; return this; }

            public Situation build() {
                return new Situation(trigger, connectionState, followsSecret, carriesCurrent, rotationInProgress,
                        secretDeleted, currentRefused, healedCurrentMomentsAgo, recentHeals, healLimit);
            }
        }
    }

    public static Action decide(Situation s) {
        if (s.secretDeleted()) {
            return Action.ALERT_SECRET_DELETED;
        }
        if (s.connectionState() == null) {
            return Action.IGNORE_MISSING;
        }
        if (!s.followsSecret()) {
            return Action.IGNORE_NOT_FOLLOWING;
        }
        if (s.rotationInProgress()) {
            return Action.WAIT_ROTATION;
        }
        return switch (s.connectionState()) {
            case "AUTHORIZED", "ACTIVE" -> s.carriesCurrent() ? Action.NONE : Action.SYNC;
            case "DEAUTHORIZED", "FAILED_CONNECTIVITY" -> failed(s);
            default -> Action.WAIT_BUSY;
        };
    }

    private static Action failed(Situation s) {
        if (s.currentRefused()) {
            return Action.HOLD_REFUSED;
        }
        if (s.carriesCurrent() && s.healedCurrentMomentsAgo()) {
            return Action.MARK_REFUSED;
        }
        if (s.recentHeals() >= s.healLimit()) {
            return Action.HOLD_FLAP_LIMIT;
        }
        return Action.HEAL;
    }
}
