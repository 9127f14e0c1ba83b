package dev.stepconnect.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.guardian.GuardianDecision.Action;
import dev.stepconnect.guardian.GuardianDecision.Situation;
import dev.stepconnect.guardian.GuardianDecision.Trigger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table, row by row: (trigger, state, marker, rotation, history, limit) → action. */
class GuardianDecisionTest {

    /** A managed connection that follows its secret, carries AWSCURRENT, no rotation, no history. */
    private static Situation.Builder base(Trigger trigger, String state) {
        return Situation.builder(trigger).connectionState(state).followsSecret(true).carriesCurrent(true).healLimit(3);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // healthy and current: nothing to do, whatever woke the guardian
                row("ready, current", base(Trigger.SCHEDULED_CHECK, "AUTHORIZED"), Action.NONE),
                row("private ready, current", base(Trigger.CONNECTION_STATE, "ACTIVE"), Action.NONE),
                // drift: the marker lacks AWSCURRENT's version (or never recorded one)
                row("drift after put-secret-value", base(Trigger.SECRET_CHANGE, "AUTHORIZED").carriesCurrent(false), Action.SYNC),
                row("drift seen by the schedule", base(Trigger.SCHEDULED_CHECK, "ACTIVE").carriesCurrent(false), Action.SYNC),
                // deauthorized or failed: heal
                row("deauthorized", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED"), Action.HEAL),
                row("failed connectivity", base(Trigger.CONNECTION_STATE, "FAILED_CONNECTIVITY"), Action.HEAL),
                row("deauthorized found by schedule", base(Trigger.SCHEDULED_CHECK, "DEAUTHORIZED"), Action.HEAL),
                row("deauthorized with a newer AWSCURRENT", base(Trigger.SECRET_CHANGE, "DEAUTHORIZED").carriesCurrent(false)
                        .currentRefused(false), Action.HEAL),
                row("two heals of three used", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").recentHeals(2), Action.HEAL),
                // flap limit
                row("flap limit reached", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").recentHeals(3), Action.HOLD_FLAP_LIMIT),
                row("flap limit of one", base(Trigger.SCHEDULED_CHECK, "DEAUTHORIZED").recentHeals(1).healLimit(1),
                        Action.HOLD_FLAP_LIMIT),
                row("flap limit does not stop a drift sync", base(Trigger.SECRET_CHANGE, "AUTHORIZED").carriesCurrent(false)
                        .recentHeals(5), Action.SYNC),
                // refused credentials: never loop
                row("current version refused before", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").currentRefused(true),
                        Action.HOLD_REFUSED),
                row("refused beats the flap counter", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").currentRefused(true)
                        .recentHeals(9), Action.HOLD_REFUSED),
                row("fell again right after a heal", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED")
                        .healedCurrentMomentsAgo(true).recentHeals(1), Action.MARK_REFUSED),
                row("recent heal of another version", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").carriesCurrent(false)
                        .healedCurrentMomentsAgo(true), Action.HEAL),
                // rotation in progress: hands off, even when deauthorized or drifted
                row("rotation, deauthorized", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").rotationInProgress(true),
                        Action.WAIT_ROTATION),
                row("rotation, drift", base(Trigger.SECRET_CHANGE, "AUTHORIZED").carriesCurrent(false).rotationInProgress(true),
                        Action.WAIT_ROTATION),
                // mid-change
                row("updating", base(Trigger.CONNECTION_STATE, "UPDATING"), Action.WAIT_BUSY),
                row("authorizing", base(Trigger.SCHEDULED_CHECK, "AUTHORIZING").carriesCurrent(false), Action.WAIT_BUSY),
                // not ours / gone
                row("marker names another source", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").followsSecret(false),
                        Action.IGNORE_NOT_FOLLOWING),
                row("not following beats rotation", base(Trigger.SCHEDULED_CHECK, "AUTHORIZED").followsSecret(false)
                        .rotationInProgress(true), Action.IGNORE_NOT_FOLLOWING),
                row("connection missing", base(Trigger.SCHEDULED_CHECK, null), Action.IGNORE_MISSING),
                row("source secret deleted", base(Trigger.CONNECTION_STATE, "DEAUTHORIZED").secretDeleted(true),
                        Action.ALERT_SECRET_DELETED),
                row("source secret deleted, connection fine", base(Trigger.SCHEDULED_CHECK, "AUTHORIZED").secretDeleted(true),
                        Action.ALERT_SECRET_DELETED));
    }

    private static Arguments row(String name, Situation.Builder situation, Action expected) {
        return Arguments.of(name, situation.build(), expected);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("table")
    void decides(String name, Situation situation, Action expected) {
        assertThat(GuardianDecision.decide(situation)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void onlyHealAndSyncWrite(Action action) {
        assertThat(action.writes()).isEqualTo(action == Action.HEAL || action == Action.SYNC);
    }
}
