package dev.stepconnect.remediation;

import dev.stepconnect.log.Log;
import dev.stepconnect.metrics.Metrics;
import dev.stepconnect.remediation.Outcome.Kind;
import dev.stepconnect.remediation.RetryDecision.Action;
import dev.stepconnect.remediation.RetryDecision.SkipReason;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Handles one failure: alarm, classification, retry decision, storm budget, the retry itself, metrics.
 * {@link #handle(FailureEvent)} is the one entry point of that pipeline, whatever delivered the failure
 * (EventBridge events through {@link RemediationHandler}; other sources build the same plain record).
 * A retry follows AWS's record, not the record's claims: the state machine named by the execution ARN,
 * and for Standard executions the alias/version and input DescribeExecution reports. Exactly-once rests on AWS, not on a table: deterministic clientTokens and names make a
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

    /**
     * The pipeline with its per-container state built from the settings (policy with {@code random} as the
     * jitter source, a full budget); the collaborators that talk to AWS are given.
     */
    static RemediationService of(RemediationSettings settings, DoubleSupplier random, TagCache tags,
                                 StepFunctionsGateway stepFunctions, RetryScheduler scheduler, AlarmManager alarms,
                                 Metrics metrics, Clock clock) {
        return new RemediationService(settings, new RetryPolicy(settings, random),
                new RetryBudget(settings.retryBudget(), settings.retryBudgetWindow(), clock), tags, stepFunctions,
                scheduler, alarms, new RemediationMetrics(metrics), clock);
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
        Outcome outcome = decideAndAct(event, SweepMode.NONE, undescribable);
        WorkflowType workflowType = undescribable == null ? WorkflowType.STANDARD : WorkflowType.EXPRESS;
        metrics.record(event.stateMachineName(), workflowType, outcome);
        synchronized (handled) {
            handled.put(event.dedupeKey(), Boolean.TRUE);
        }
        RetryDecision decision = outcome.decision();
        RetryRoute route = outcome.route();
        FailurePoint point = route == null ? null : route.failurePoint();
        LOG.info("failure handled", "executionArn", event.executionArn(), "status", event.status(),
                "redriveCount", event.redriveCount(), "outcome", outcome.kind().name(), "workflowType", workflowType.name(),
                "errorClass", outcome.classification() == null ? null : outcome.classification().errorClass().dimension(),
                "error", outcome.classification() == null ? null : outcome.classification().decidingError(),
                "attempt", decision == null ? null : decision.attempt(),
                "maxAttempts", decision == null ? null : decision.maxAttempts(),
                "skipReason", decision == null || decision.skipReason() == null ? null : decision.skipReason().dimension(),
                "delaySeconds", decision == null ? null : decision.delay().toSeconds(),
                "retryMode", route == null ? null : route.mode().value(),
                "retryWay", route == null ? null : route.way().dimension(),
                "retryWayReason", route == null ? null : route.reason(),
                "failedState", point == null ? null : point.state(),
                "failedStateType", point == null ? null : point.stateType());
        return outcome;
    }

    /**
     * The sweep's entry (RemediationSweepFunction): the same decision and retry as {@link #handle}, for a
     * failure found by listing executions. No duplicate memory (a failure skipped for budget must be
     * decided again by a later run), no alarm and no metrics (the event path counted the failure; the
     * sweep counts its own); {@code mode} may opt the state machine in and paces the retry.
     */
    Outcome handleFromSweep(FailureEvent event, SweepMode mode) {
        if (!FAILURE_STATUSES.contains(event.status())) {
            return Outcome.of(Kind.NOT_A_FAILURE, null, null);
        }
        return decideAndAct(event, mode, null);
    }

    /** {@code undescribable}: how to retry a failure AWS keeps no record of (Express); null for Standard. */
    private Outcome decideAndAct(FailureEvent event, SweepMode mode, UndescribableRetry undescribable) {
        Classification classification = classifier.classify(event.status(), event.error(), event.cause());
        int failedAttempt = RetryNames.startingAttempt(event.executionName()) + event.redriveCount();
        // Opt-in is read from the state machine the execution ARN names (AWS's naming, not the event's
        // stateMachineArn/alias claim); a retry only ever starts that state machine (see retry()).
        StateMachineSettings machine = classification.errorClass().retryable()
                ? mode.machine(tags.settings(event.baseStateMachineArn()))
                : StateMachineSettings.none();
        RetryDecision decision = mode.pace(event, policy.decide(classification.errorClass(), failedAttempt, machine,
                event.mapRunChild()));
        if (!decision.retries()) {
            return Outcome.of(Kind.SKIPPED, classification, decision);
        }
        Outcome overBudget = Outcome.of(Kind.SKIPPED, classification, decision.skipped(SkipReason.BUDGET));
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
            Outcome outcome = undescribable != null
                    ? withTagMode(undescribable.retry(event, classification, decision), machine.retryMode())
                    : retry(event, classification, decision, machine.retryMode());
            spent = outcome.retried();
            return outcome;
        } finally {
            if (!spent) {
                budget.giveBack(machineArn);
            }
        }
    }

    /** The route's mode is the {@code stepconnect:retry-mode} tag as read, whatever way the retry had to take. */
    private static Outcome withTagMode(Outcome outcome, RetryMode mode) {
        RetryRoute route = outcome.route();
        return route == null || route.mode() == mode ? outcome : Outcome.of(outcome.kind(), outcome.classification(),
                outcome.decision(), new RetryRoute(route.way(), mode, route.failurePoint(), route.reason()));
    }

    /**
     * The retry, on AWS's record: DescribeExecution gives the state, the alias or version it ran through
     * (refused when it belongs to another state machine) and the input; the event's own claims are not used.
     * (Express failures never get here: their {@link UndescribableRetry} makes the retry.)
     */
    private Outcome retry(FailureEvent event, Classification classification, RetryDecision decision, RetryMode mode) {
        Optional<ExecutionSnapshot> current = stepFunctions.describe(event.executionArn());
        if (current.isEmpty()) {
            return Outcome.of(Kind.SKIPPED, classification, decision.skipped(SkipReason.EXECUTION_GONE));
        }
        ExecutionSnapshot snapshot = current.get();
        RedriveStatus redriveStatus = event.redriveStatus() != RedriveStatus.UNKNOWN
                ? event.redriveStatus() : snapshot.redriveStatus();
        if (snapshot.movedPast(event) || redriveStatus == RedriveStatus.REDRIVE_IN_PROGRESS) {
            return Outcome.of(Kind.ALREADY_RETRIED, classification, decision);
        }
        Optional<String> startTarget = snapshot.startTarget(event.baseStateMachineArn());
        if (startTarget.isEmpty()) {
            LOG.warn("retry refused: the execution's alias or version belongs to another state machine",
                    "executionArn", event.executionArn());
            return Outcome.of(Kind.SKIPPED, classification, decision.skipped(SkipReason.TARGET_REFUSED));
        }
        String target = startTarget.get();
        String input = snapshot.input();
        boolean redrivable = redriveStatus == RedriveStatus.REDRIVABLE;
        RetryRoute route = RetryRoute.choose(mode, redrivable, () -> stepFunctions.failurePoint(event.executionArn()));
        RetryRequest request = new RetryRequest(event, decision, route, target, input == null ? "{}" : input);
        Attempted attempted = decision.action() == Action.RETRY_LATER ? retryLater(request) : retryNow(request);
        return Outcome.of(attempted.kind(), classification, decision, attempted.route());
    }

    private record RetryRequest(FailureEvent event, RetryDecision decision, RetryRoute route, String target,
                                String input) {
        RetryRequest restarted(String why) {
            return new RetryRequest(event, decision, route.restart(why), target, input);
        }
    }

    private record Attempted(Kind kind, RetryRoute route) {
    }

    /** The bound across containers: delayed retries of this state machine still waiting in the scheduler. */
    private boolean tooManyPendingRetries(FailureEvent event, RetryDecision decision) {
        if (decision.action() != Action.RETRY_LATER) {
            return false;
        }
        String prefix = RetryNames.schedulePrefix(event.baseStateMachineArn(), event.stateMachineName());
        return scheduler.countPending(prefix, budget.capacity()) >= budget.capacity();
    }

    private Attempted retryNow(RetryRequest request) {
        FailureEvent event = request.event();
        String name = RetryNames.retryExecutionName(event, request.decision().attempt() + 1);
        if (request.route().way() == RetryRoute.Way.REDRIVE) {
            // Without the history we could not tell how it failed: a delivery that could may have restarted it.
            if (request.route().historyUnread() && restartExists(event, name)) {
                return new Attempted(Kind.ALREADY_RETRIED, request.route());
            }
            RetryResult redriven = stepFunctions.redrive(event.executionArn(), RetryNames.redriveClientToken(event));
            if (redriven == RetryResult.DONE) {
                return new Attempted(Kind.RETRY_STARTED, request.route());
            }
            // Refused: it may have been redriven by someone else since we looked (a person, another tool);
            // starting a new execution then would run the work twice.
            if (stepFunctions.describe(event.executionArn()).map(now -> now.movedPast(event)).orElse(false)) {
                return new Attempted(Kind.ALREADY_RETRIED, request.route());
            }
            LOG.info("execution not redrivable; starting a new execution instead", "executionArn", event.executionArn());
            request = request.restarted("redrive refused");
        }
        RetryResult started = stepFunctions.start(request.target(), name, request.input());
        return new Attempted(started == RetryResult.DONE ? Kind.RETRY_STARTED : Kind.ALREADY_RETRIED, request.route());
    }

    /** An execution named {@code name} already retries this failure. */
    private boolean restartExists(FailureEvent event, String name) {
        return stepFunctions.describe(RetryNames.siblingExecutionArn(event, name)).isPresent();
    }

    private Attempted retryLater(RetryRequest request) {
        FailureEvent event = request.event();
        int retry = request.decision().attempt() + 1;
        Instant at = clock.instant().plus(request.decision().delay());
        RetryResult scheduled;
        if (request.route().way() == RetryRoute.Way.REDRIVE) {
            scheduled = scheduler.scheduleRedrive(event, retry, at);
        } else {
            // The schedule is deleted once it has run, so its name alone cannot stop a late duplicate.
            if (restartExists(event, RetryNames.retryExecutionName(event, retry))) {
                return new Attempted(Kind.ALREADY_RETRIED, request.route());
            }
            scheduled = scheduler.scheduleStart(event, retry, request.target(), request.input(), at);
        }
        return switch (scheduled) {
            case DONE -> new Attempted(Kind.RETRY_SCHEDULED, request.route());
            case ALREADY_DONE -> new Attempted(Kind.ALREADY_RETRIED, request.route());
            default -> {
                LOG.warn("the scheduler refused the delayed retry; retrying now instead", "executionArn",
                        event.executionArn());
                yield retryNow(request);
            }
        };
    }
}
