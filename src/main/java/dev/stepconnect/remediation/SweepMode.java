package dev.stepconnect.remediation;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How one sweep run bends the event path's decision, and nothing else: an on-demand run opts the
 * state machine in (the operator asked), and every sweep retry becomes a delayed schedule placed in
 * its own slot, {@code spacing} apart per state machine, so a run that finds 500 failures does not
 * redrive 500 executions in the same second. Without a scheduler role nothing can run a delayed retry
 * and the decision is left as the policy made it (the budget alone paces it). One instance per run.
 */
final class SweepMode {
    static final SweepMode NONE = new SweepMode(false, false, Duration.ZERO);

    private final boolean operatorAsked;
    private final boolean paced;
    private final Duration spacing;
    private final Map<String, Integer> slotsTaken = new HashMap<>();

    private SweepMode(boolean operatorAsked, boolean paced, Duration spacing) {
        this.operatorAsked = operatorAsked;
        this.paced = paced;
        this.spacing = spacing;
    }

    /**
     * @param operatorAsked an on-demand run: the state machine counts as opted in
     * @param settings      the budget ({@code retryBudget} per {@code retryBudgetWindow}) sets the spacing
     */
    static SweepMode forRun(boolean operatorAsked, RemediationSettings settings) {
        long spacingMillis = Math.max(1000, settings.retryBudgetWindow().toMillis() / Math.max(1, settings.retryBudget()));
        return new SweepMode(operatorAsked, settings.schedulerConfigured(), Duration.ofMillis(spacingMillis));
    }

    StateMachineSettings machine(StateMachineSettings fromTags) {
        return operatorAsked ? new StateMachineSettings(true, fromTags.maxAttempts(), fromTags.retryMode(), fromTags.problems()) : fromTags;
    }

    RetryDecision pace(FailureEvent event, RetryDecision decision) {
        if (!paced || !decision.retries()) {
            return decision;
        }
        int slot;
        synchronized (slotsTaken) {
            slot = slotsTaken.merge(event.baseStateMachineArn(), 1, Integer::sum);
        }
        Duration inSlot = spacing.multipliedBy(slot);
        Duration delay = decision.delay().compareTo(inSlot) > 0 ? decision.delay() : inSlot;
        return decision.later(delay);
    }
}
