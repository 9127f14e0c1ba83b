package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.log.Log;
import dev.stepconnect.remediation.Outcome.Kind;
import dev.stepconnect.remediation.RetryDecision.Action;
import dev.stepconnect.remediation.RetryDecision.SkipReason;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Handles one failure event: alarm, classification, retry decision, storm budget, the retry itself,
 * metrics. Exactly-once rests on AWS, not on a table: deterministic clientTokens and names make a
 * repeated retry a no-op (see {@link RetryNames}), and DescribeExecution shows whether the failure in
 * the event has already been redriven.
 * <p>
 * Storm protection, two layers: a token bucket per state machine in this container, and, for delayed
 * retries, a global cap on retry schedules still pending for that state machine (counted with
 * ListSchedules by name prefix), which holds however many containers run.
 */
public final class RemediationService {
    private static final Log LOG = Log.named("remediation");
    private static final Set<String> FAILURE_STATUSES = Set.of("FAILED", "TIMED_OUT", "ABORTED");
    private static final int MAX_REMEMBERED_EVENTS = 2048;

    private final FailureClassifier classifier;
    private final RetryPolicy policy;
    private final RetryBudget budget;
    private final TagCache tags;
    private final StepFunctionsGateway stepFunctions;
    private final RetryScheduler scheduler;
    private final AlarmManager alarms;
    private final RemediationMetrics metrics;
    private final Clock clock;
    /** Failures this container finished handling: a duplicate delivery is not counted again. */
    private final Map<String, Boolean> handled = new LruMap<>(MAX_REMEMBERED_EVENTS);

    RemediationService(RemediationSettings settings, RetryPolicy policy, RetryBudget budget, TagCache tags,
                       StepFunctionsGateway stepFunctions, RetryScheduler scheduler, AlarmManager alarms,
                       RemediationMetrics metrics, Clock clock) {
        this.classifier = new FailureClassifier(settings.retryableErrors(), settings.nonRetryableErrors());
        this.policy = policy;
        this.budget = budget;
        this.tags = tags;
        this.stepFunctions = stepFunctions;
        this.scheduler = scheduler;
        this.alarms = alarms;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Outcome handle(FailureEvent event) {
        return handle(event, null);
    }

    /**
     * Entry point for a failure record that cannot be described (an Express execution, known only from
     * its CloudWatch Logs record, trusted because only CloudWatch Logs delivers it): the same dedupe,
     * alarm, classification, tags, policy, budget and metrics ({@code WorkflowType=EXPRESS}) as
     * {@link #handle(FailureEvent)}, but no DescribeExecution and no redrive: {@code retry} makes the retry.
     */
    Outcome handleUndescribable(FailureEvent failure, UndescribableRetry retry) {
        return handle(failure, retry);
    }

    private Outcome handle(FailureEvent event, UndescribableRetry undescribable) {
        if (!FAILURE_STATUSES.contains(event.status())) {
            return Outcome.of(Kind.NOT_A_FAILURE, null, null);
        }
        synchronized (handled) {
            if (handled.containsKey(event.dedupeKey())) {
                LOG.info("duplicate delivery of a handled failure", "executionArn", event.executionArn(),
                        "redriveCount", event.redriveCount());
                return Outcome.of(Kind.ALREADY_RETRIED, null, null);
            }
        }
        alarms.ensure(event.stateMachineName());
        Outcome outcome = decideAndAct(event, undescribable);
        WorkflowType workflowType = undescribable == null ? WorkflowType.STANDARD : WorkflowType.EXPRESS;
        metrics.record(event.stateMachineName(), workflowType, outcome);
        synchronized (handled) {
            handled.put(event.dedupeKey(), Boolean.TRUE);
        }
        RetryDecision decision = outcome.decision();
        LOG.info("failure handled", "executionArn", event.executionArn(), "status", event.status(),
                "redriveCount", event.redriveCount(), "outcome", outcome.kind().name(), "workflowType", workflowType.name(),
                "errorClass", outcome.classification() == null ? null : outcome.classification().errorClass().dimension(),
                "error", outcome.classification() == null ? null : outcome.classification().decidingError(),
                "attempt", decision == null ? null : decision.attempt(),
                "maxAttempts", decision == null ? null : decision.maxAttempts(),
                "skipReason", decision == null || decision.skipReason() == null ? null : decision.skipReason().dimension(),
                "delaySeconds", decision == null ? null : decision.delay().toSeconds());
        return outcome;
    }

    private Outcome decideAndAct(FailureEvent event, UndescribableRetry undescribable) {
        Classification classification = classifier.classify(event.status(), event.error(), event.cause());
        int failedAttempt = RetryNames.startingAttempt(event.executionName()) + event.redriveCount();
        StateMachineSettings machine = classification.errorClass().retryable()
                ? tags.settings(event.baseStateMachineArn())
                : StateMachineSettings.none();
        RetryDecision decision = policy.decide(classification.errorClass(), failedAttempt, machine);
        if (!decision.retries()) {
            return Outcome.of(Kind.SKIPPED, classification, decision);
        }
        if (event.mapRunChild()) {
            return Outcome.of(Kind.SKIPPED, classification, RetryDecision.skip(Action.GIVE_UP,
                    classification.errorClass(), decision.attempt(), decision.maxAttempts(), SkipReason.MAP_RUN_CHILD));
        }
        Outcome overBudget = Outcome.of(Kind.SKIPPED, classification, RetryDecision.skip(Action.GIVE_UP,
                classification.errorClass(), decision.attempt(), decision.maxAttempts(), SkipReason.BUDGET));
        String machineArn = event.baseStateMachineArn();
        if (!budget.tryAcquire(machineArn)) {
            return overBudget;
        }
        // Only a retry made spends the budget: duplicates of a failure already retried elsewhere, and
        // calls that failed (the message comes back), must not crowd out the retries of real failures.
        boolean spent = false;
        try {
            if (tooManyPendingRetries(event, decision)) {
                // Spent across containers: keep the token, so this container stops asking ListSchedules for a while.
                spent = true;
                return overBudget;
            }
            Outcome outcome = undescribable != null ? undescribable.retry(event, classification, decision)
                    : retry(event, classification, decision);
            spent = outcome.retried();
            return outcome;
        } finally {
            if (!spent) {
                budget.giveBack(machineArn);
            }
        }
    }

    private Outcome retry(FailureEvent event, Classification classification, RetryDecision decision) {
        Optional<ExecutionSnapshot> current = stepFunctions.describe(event.executionArn());
        if (current.isEmpty()) {
            return Outcome.of(Kind.SKIPPED, classification, RetryDecision.skip(Action.GIVE_UP,
                    classification.errorClass(), decision.attempt(), decision.maxAttempts(), SkipReason.EXECUTION_GONE));
        }
        ExecutionSnapshot snapshot = current.get();
        RedriveStatus redriveStatus = event.redriveStatus() != RedriveStatus.UNKNOWN
                ? event.redriveStatus() : snapshot.redriveStatus();
        if (snapshot.movedPast(event) || redriveStatus == RedriveStatus.REDRIVE_IN_PROGRESS) {
            return Outcome.of(Kind.ALREADY_RETRIED, classification, decision);
        }
        String input = event.input() != null ? event.input() : snapshot.input();
        RetryRequest request = new RetryRequest(event, decision, redriveStatus == RedriveStatus.REDRIVABLE,
                input == null ? "{}" : input);
        return Outcome.of(decision.action() == Action.RETRY_LATER ? retryLater(request) : retryNow(request),
                classification, decision);
    }

    private record RetryRequest(FailureEvent event, RetryDecision decision, boolean redrivable, String input) {
    }

    /** The bound across containers: delayed retries of this state machine still waiting in the scheduler. */
    private boolean tooManyPendingRetries(FailureEvent event, RetryDecision decision) {
        if (decision.action() != Action.RETRY_LATER) {
            return false;
        }
        String prefix = RetryNames.schedulePrefix(event.baseStateMachineArn(), event.stateMachineName());
        return scheduler.countPending(prefix, budget.capacity()) >= budget.capacity();
    }

    private Kind retryNow(RetryRequest request) {
        FailureEvent event = request.event();
        if (request.redrivable()) {
            RetryResult redriven = stepFunctions.redrive(event.executionArn(), RetryNames.redriveClientToken(event));
            if (redriven == RetryResult.DONE) {
                return Kind.RETRY_STARTED;
            }
            // Refused: it may have been redriven by someone else since we looked (a person, another tool);
            // starting a new execution then would run the work twice.
            if (stepFunctions.describe(event.executionArn()).map(now -> now.movedPast(event)).orElse(false)) {
                return Kind.ALREADY_RETRIED;
            }
            LOG.info("execution not redrivable; starting a new execution instead", "executionArn", event.executionArn());
        }
        String name = RetryNames.retryExecutionName(event, request.decision().attempt() + 1);
        RetryResult started = stepFunctions.start(event.startTargetArn(), name, request.input());
        return started == RetryResult.DONE ? Kind.RETRY_STARTED : Kind.ALREADY_RETRIED;
    }

    private Kind retryLater(RetryRequest request) {
        FailureEvent event = request.event();
        Map<String, Object> target = new LinkedHashMap<>();
        String targetArn;
        if (request.redrivable()) {
            targetArn = RetryScheduler.REDRIVE_TARGET;
            target.put("ExecutionArn", event.executionArn());
            target.put("ClientToken", RetryNames.redriveClientToken(event));
        } else {
            String name = RetryNames.retryExecutionName(event, request.decision().attempt() + 1);
            // The schedule is deleted once it has run, so its name alone cannot stop a late duplicate.
            if (stepFunctions.describe(RetryNames.siblingExecutionArn(event, name)).isPresent()) {
                return Kind.ALREADY_RETRIED;
            }
            targetArn = RetryScheduler.START_TARGET;
            target.put("StateMachineArn", event.startTargetArn());
            target.put("Name", name);
            target.put("Input", request.input());
        }
        Duration delay = request.decision().delay();
        String description = "StepConnect retry " + (request.decision().attempt() + 1) + " of "
                + event.stateMachineName();
        RetryResult scheduled = scheduler.schedule(RetryNames.scheduleName(event), clock.instant().plus(delay),
                targetArn, Json.write(target), description);
        return switch (scheduled) {
            case DONE -> Kind.RETRY_SCHEDULED;
            case ALREADY_DONE -> Kind.ALREADY_RETRIED;
            default -> {
                LOG.warn("the scheduler refused the delayed retry; retrying now instead", "executionArn",
                        event.executionArn());
                yield retryNow(request);
            }
        };
    }
}
