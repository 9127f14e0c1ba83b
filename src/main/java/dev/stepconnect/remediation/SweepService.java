package dev.stepconnect.remediation;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.json.Json;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.metrics.Metrics;
import dev.stepconnect.metrics.Metrics.Metric;
import dev.stepconnect.remediation.RetryDecision.SkipReason;
import dev.stepconnect.remediation.SweepExecutions.ListedExecution;
import dev.stepconnect.remediation.SweepReport.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveFilter;

/**
 * One sweep run: lists the executions that ended FAILED/TIMED_OUT in the filter's window and hands each
 * one the event path would have handled to the same decision and retry code
 * ({@link RemediationService#handleFromSweep}), so exactly-once and the budget hold as they do there.
 * <p>
 * Cost per run and state machine: one ListExecutions page (up to 1,000 executions) per status and
 * redrive filter at least, read newest first and only as far as the window needs; then, per failure in
 * the window, one DescribeExecution of its possible restart (its deterministic retry name) unless this
 * run or container already knows the answer, and one DescribeExecution of the failure itself when it
 * still needs a decision (at most {@code maxExecutions} per run). What a retry costs is the event path's.
 * <p>
 * Recognising what was already retried spends nothing of the run's bound: a redriven execution is no
 * longer FAILED with the same redriveCount; a restarted one (which stays FAILED) has a sibling
 * execution under the deterministic retry name; a scheduled one has a pending schedule under the
 * deterministic schedule name; and a container remembers the failures it decided for good.
 */
final class SweepService {
    private static final Log LOG = Log.named("remediation.sweep");
    /**
     * Listing stops at the first execution that started this long before the window: an execution that ran
     * longer than a day before it failed is found only through the redriven list or an earlier {@code since}.
     */
    static final Duration LONGEST_RUN_FOUND = Duration.ofDays(1);
    private static final Duration MACHINE_LIST_TTL = Duration.ofMinutes(15);
    private static final int MAX_REMEMBERED = 20_000;
    private static final int MAX_PENDING_READ = 1000;
    private static final Set<SkipReason> FINAL_SKIPS = Set.of(SkipReason.NOT_RETRYABLE, SkipReason.ABORTED,
            SkipReason.ATTEMPTS_EXHAUSTED, SkipReason.MAP_RUN_CHILD, SkipReason.EXECUTION_GONE,
            // AWS's record names a foreign alias or version: it will not change, and it must not eat every run's bound.
            SkipReason.TARGET_REFUSED);
    static final String EXECUTIONS_FOUND = "SweepExecutionsFound";
    static final String RETRIES = "SweepRetries";
    static final String SKIPPED = "SweepSkipped";

    private final RemediationSettings remediation;
    private final SweepSettings settings;
    private final SweepExecutions executions;
    private final TagCache tags;
    private final RemediationService live;
    private final Supplier<RemediationService> dryRunService;
    private final FailureClassifier classifier;
    private final RetryPolicy policy;
    private final Metrics metrics;
    private final RemediationMetrics retryMetrics;
    private final Clock clock;
    /** dedupeKey -> result label of failures decided for good (retried, or skipped for a lasting reason). */
    private final Map<String, String> decided = new LruMap<>(MAX_REMEMBERED);
    private List<String> machines;
    private Instant machinesLoaded;

    SweepService(RemediationSettings remediation, SweepSettings settings, SweepExecutions executions, TagCache tags,
                 RemediationService live, Supplier<RemediationService> dryRunService, Metrics metrics, Clock clock) {
        this.remediation = remediation;
        this.settings = settings;
        this.executions = executions;
        this.tags = tags;
        this.live = live;
        this.dryRunService = dryRunService;
        this.classifier = new FailureClassifier(remediation.retryableErrors(), remediation.nonRetryableErrors());
        // Only its skip rules are used here (no delay is computed from it): the jitter source does not matter.
        this.policy = new RetryPolicy(remediation, () -> 0.0);
        this.metrics = metrics;
        this.retryMetrics = new RemediationMetrics(metrics);
        this.clock = clock;
    }

    SweepReport run(SweepFilter filter, Deadline deadline) {
        long started = clock.millis();
        SweepReport report = new SweepReport(filter);
        Run run = new Run(filter, report, deadline, filter.dryRun() ? dryRunService.get() : live,
                SweepMode.forRun(!filter.scheduled(), remediation));
        List<String> targets = filter.scheduled() ? optedInStateMachines() : List.of(filter.stateMachineArn());
        for (String machine : targets) {
            if (report.stopped()) {
                break;
            }
            run.sweep(machine);
        }
        LOG.info("sweep run finished", "scheduledRun", filter.scheduled(), "dryRun", filter.dryRun(),
                "stateMachineArn", filter.stateMachineArn(), "since", filter.since().toString(),
                "until", filter.until().toString(), "found", report.foundCount(),
                "examined", report.examinedCount(), "retried", report.count(Result.RETRIED),
                "scheduled", report.count(Result.SCHEDULED), "alreadyRetried", report.count(Result.ALREADY_RETRIED),
                "skipped", report.count(Result.SKIPPED), "skippedByReason", Json.write(report.skippedByReason()),
                "notMatched", report.count(Result.NOT_MATCHED), "leftForNextRun", report.count(Result.LEFT),
                "failed", report.count(Result.FAILED), "complete", !report.stopped(),
                "stoppedBy", report.stoppedBy(), "millis", clock.millis() - started);
        return report;
    }

    /** Standard state machines opted in to retries (tag, or STEPCONNECT_RETRY_ALL), listed at most every 15 minutes. */
    private synchronized List<String> optedInStateMachines() {
        Instant now = clock.instant();
        if (machines == null || !now.isBefore(machinesLoaded.plus(MACHINE_LIST_TTL))) {
            machines = executions.standardStateMachines();
            machinesLoaded = now;
        }
        List<String> optedIn = new ArrayList<>();
        for (String arn : machines) {
            StateMachineSettings machine = tags.settings(arn);
            // The same reading as RetryPolicy's opt-in rule: the tag first, else STEPCONNECT_RETRY_ALL.
            if (machine.autoRetry() != null ? machine.autoRetry() : remediation.retryAll()) {
                optedIn.add(arn);
            }
        }
        return optedIn;
    }

    private static String errorCode(SdkException e) {
        return e instanceof AwsServiceException aws ? AwsErrors.code(aws) : AwsErrors.UNKNOWN;
    }

    /** The state of one run. */
    private final class Run {
        private final SweepFilter filter;
        private final SweepReport report;
        private final Deadline deadline;
        private final RemediationService service;
        private final SweepMode mode;

        Run(SweepFilter filter, SweepReport report, Deadline deadline, RemediationService service, SweepMode mode) {
            this.filter = filter;
            this.report = report;
            this.deadline = deadline;
            this.service = service;
            this.mode = mode;
        }

        void sweep(String machineArn) {
            report.stateMachineSwept();
            Tally tally = new Tally();
            MachineState state = new MachineState(machineArn);
            try {
                for (String status : filter.statuses()) {
                    list(state, status, ExecutionRedriveFilter.NOT_REDRIVEN, filter.since().minus(LONGEST_RUN_FOUND), tally);
                    // A redrive is allowed for 14 days after a stop, so a redriven execution that failed again in
                    // the window may have started up to 14 days before it.
                    list(state, status, ExecutionRedriveFilter.REDRIVEN, filter.since().minus(SweepFilter.LONGEST_LOOKBACK), tally);
                    if (report.stopped()) {
                        break;
                    }
                }
            } catch (SweepExecutions.NotStandardException e) {
                // Express state machines have no executions to list; their failures come through their logs.
                if (!filter.scheduled()) {
                    throw new InvalidSweepFilterException("stateMachineArn", "names an Express state machine: the sweep"
                            + " covers Standard workflows only (Express failures are handled from their CloudWatch Logs)");
                }
                LOG.info("not a Standard state machine; skipped", "stateMachineArn", machineArn);
                return;
            } catch (SdkException e) {
                // A state machine whose executions cannot be listed (deleted, AccessDenied) must not stop the others.
                LOG.warn("could not list the state machine's executions; skipped in this run", "stateMachineArn",
                        machineArn, "errorType", e.getClass().getSimpleName(), "awsErrorCode", errorCode(e));
                tally.failed++;
                report.listingFailed(machineArn);
            }
            if (!filter.dryRun()) {
                tally.emit(machineArn);
            }
        }

        private void list(MachineState state, String status, ExecutionRedriveFilter redriveFilter, Instant boundary,
                          Tally tally) {
            Iterator<List<ListedExecution>> pages = executions.pages(state.arn, status, redriveFilter);
            while (!report.stopped() && pages.hasNext()) {
                boolean pastBoundary = false;
                for (ListedExecution item : pages.next()) {
                    if (item.startDate() != null && item.startDate().isBefore(boundary)) {
                        pastBoundary = true;
                        break;
                    }
                    state.listed.add(item.executionArn());
                    // Filter again: an endpoint may ignore the redrive filter (the same execution then comes twice).
                    if (!status.equals(item.status()) || !filter.inWindow(item.stopDate())
                            || !state.keys.add(item.executionArn() + "#" + item.redriveCount())) {
                        continue;
                    }
                    report.found();
                    tally.found++;
                    if (report.stopped()) {
                        report.record(item.executionArn(), Result.LEFT, null);
                    } else {
                        decide(state, item, tally);
                    }
                }
                if (pastBoundary || report.stopped()) {
                    return;
                }
            }
        }

        private void decide(MachineState state, ListedExecution item, Tally tally) {
            FailureEvent listed = item.asListedFailure();
            if (deadline.remaining().isZero()) {
                // Even the cheap checks make a call each: none past the deadline.
                report.stop("deadline");
                report.record(item.executionArn(), Result.LEFT, null);
                return;
            }
            try {
                String remembered = decided.get(listed.dedupeKey());
                if (remembered != null) {
                    recordRemembered(item, remembered, tally);
                    return;
                }
                if (alreadyRetried(state, listed)) {
                    report.record(item.executionArn(), Result.ALREADY_RETRIED, null);
                    remember(listed, Result.ALREADY_RETRIED.label());
                    return;
                }
                RetryDecision settled = settledWithoutDescribing(listed);
                if (settled != null) {
                    skip(item, listed, settled.skipReason(), tally);
                    return;
                }
                String stop = stopReason();
                if (stop != null) {
                    report.stop(stop);
                    report.record(item.executionArn(), Result.LEFT, null);
                    return;
                }
                report.examined();
                Optional<FailureEvent> described = executions.failure(item.executionArn());
                if (described.isEmpty()) {
                    skip(item, listed, SkipReason.EXECUTION_GONE, tally);
                    return;
                }
                FailureEvent failure = described.get();
                if (!filter.errors().isEmpty()) {
                    Classification classification = classifier.classify(failure.status(), failure.error(), failure.cause());
                    if (!filter.matchesError(failure.error(), classification.decidingError())) {
                        report.record(item.executionArn(), Result.NOT_MATCHED, null);
                        return;
                    }
                }
                Outcome outcome = service.handleFromSweep(failure, mode);
                record(item, failure, outcome, tally);
            } catch (SdkException e) {
                LOG.warn("could not decide a failure; the next run tries again", "executionArn", item.executionArn(),
                        "errorType", e.getClass().getSimpleName(), "awsErrorCode", errorCode(e));
                tally.failed++;
                report.record(item.executionArn(), Result.FAILED, null);
            }
        }

        /** Cheap and outside the run's bound: the restart exists, or the delayed retry is still pending. */
        private boolean alreadyRetried(MachineState state, FailureEvent listed) {
            int failedAttempt = RetryNames.startingAttempt(listed.executionName()) + listed.redriveCount();
            String sibling = RetryNames.siblingExecutionArn(listed, RetryNames.retryExecutionName(listed, failedAttempt + 1));
            if (state.listed.contains(sibling)) {
                return true;
            }
            if (state.pendingSchedules(listed).contains(RetryNames.scheduleName(listed))) {
                return true;
            }
            return executions.exists(sibling);
        }

        /**
         * A failure the policy gives up on whatever its error (attempts used up, or ABORTED), decided from the
         * listing alone by the event path's own policy: restarted retries that failed again do not eat the bound.
         */
        private RetryDecision settledWithoutDescribing(FailureEvent listed) {
            int failedAttempt = RetryNames.startingAttempt(listed.executionName()) + listed.redriveCount();
            ErrorClass anyRetryable = "ABORTED".equals(listed.status()) ? ErrorClass.ABORTED : ErrorClass.CONFIGURED_RETRYABLE;
            RetryDecision decision = policy.decide(anyRetryable, failedAttempt, mode.machine(tags.settings(listed.baseStateMachineArn())));
            boolean lasting = decision.skipReason() == SkipReason.ATTEMPTS_EXHAUSTED || decision.skipReason() == SkipReason.ABORTED;
            return lasting ? decision : null;
        }

        private String stopReason() {
            if (report.examinedCount() >= settings.maxExecutions()) {
                return "maxExecutions";
            }
            if (filter.maxRetries() != null && report.retries() >= filter.maxRetries()) {
                return "maxRetries";
            }
            if (deadline.remaining().isZero()) {
                return "deadline";
            }
            return null;
        }

        private void record(ListedExecution item, FailureEvent failure, Outcome outcome, Tally tally) {
            SkipReason reason = outcome.decision() == null ? null : outcome.decision().skipReason();
            switch (outcome.kind()) {
                case RETRY_STARTED, RETRY_SCHEDULED -> {
                    Result result = outcome.kind() == Outcome.Kind.RETRY_STARTED ? Result.RETRIED : Result.SCHEDULED;
                    report.record(item.executionArn(), result, null);
                    tally.retried(outcome);
                    remember(failure, result.label());
                }
                case SKIPPED -> skip(item, failure, reason, tally);
                default -> {
                    report.record(item.executionArn(), Result.ALREADY_RETRIED, null);
                    remember(failure, Result.ALREADY_RETRIED.label());
                }
            }
        }

        private void skip(ListedExecution item, FailureEvent failure, SkipReason reason, Tally tally) {
            String dimension = reason == null ? "Unknown" : reason.dimension();
            report.record(item.executionArn(), Result.SKIPPED, dimension);
            tally.skipped.merge(dimension, 1, Integer::sum);
            if (reason != null && FINAL_SKIPS.contains(reason)) {
                remember(failure, "skipped:" + dimension);
            }
        }

        private void recordRemembered(ListedExecution item, String remembered, Tally tally) {
            if (remembered.startsWith("skipped:")) {
                String dimension = remembered.substring("skipped:".length());
                report.record(item.executionArn(), Result.SKIPPED, dimension);
                tally.skipped.merge(dimension, 1, Integer::sum);
            } else {
                report.record(item.executionArn(), Result.ALREADY_RETRIED, null);
            }
        }

        private void remember(FailureEvent failure, String label) {
            if (!filter.dryRun()) {
                decided.put(failure.dedupeKey(), label);
            }
        }
    }

    /** What one run has read about one state machine. */
    private final class MachineState {
        final String arn;
        /** Every execution ARN the listings returned: a failed restart is listed next to its original. */
        final Set<String> listed = new HashSet<>();
        final Set<String> keys = new HashSet<>();
        private Set<String> pending;

        MachineState(String arn) {
            this.arn = arn;
        }

        /** Pending retry schedules of this state machine, read once per run (one ListSchedules page, mostly). */
        Set<String> pendingSchedules(FailureEvent listed) {
            if (pending == null) {
                pending = remediation.schedulerConfigured()
                        ? executions.pendingSchedules(RetryNames.schedulePrefix(listed.baseStateMachineArn(),
                                listed.stateMachineName()), MAX_PENDING_READ)
                        : Set.of();
            }
            return pending;
        }
    }

    /** Per-state-machine counts of one run, written as one set of EMF lines at its end. */
    private final class Tally {
        int found;
        int failed;
        final Map<String, Integer> skipped = new LinkedHashMap<>();
        /** Retries started [0] and scheduled [1] per error class and way (redrive / restart). */
        final Map<Map.Entry<String, RetryRoute.Way>, int[]> retriesByClass = new LinkedHashMap<>();

        void retried(Outcome outcome) {
            String errorClass = outcome.classification().errorClass().dimension();
            RetryRoute.Way way = outcome.route() == null ? null : outcome.route().way();
            int[] counts = retriesByClass.computeIfAbsent(new java.util.AbstractMap.SimpleImmutableEntry<>(errorClass, way),
                    k -> new int[2]);
            counts[outcome.kind() == Outcome.Kind.RETRY_STARTED ? 0 : 1]++;
        }

        void emit(String machineArn) {
            String name = machineArn.substring(machineArn.lastIndexOf(':') + 1);
            int retries = retriesByClass.values().stream().mapToInt(c -> c[0] + c[1]).sum();
            metrics.emit(Map.of(RemediationMetrics.STATE_MACHINE, name), List.of(
                    new Metric(EXECUTIONS_FOUND, found, "Count"), new Metric(RETRIES, retries, "Count")));
            skipped.forEach((reason, count) -> {
                Map<String, String> dimensions = new LinkedHashMap<>();
                dimensions.put(RemediationMetrics.STATE_MACHINE, name);
                dimensions.put(RemediationMetrics.REASON, reason);
                metrics.emit(dimensions, new Metric(SKIPPED, count, "Count"));
            });
            // The event path's retry metrics (with their Mode and WorkflowType sets), so dashboards and alarms
            // over them see the sweep's retries too.
            retriesByClass.forEach((classAndWay, counts) -> retryMetrics.retries(name, WorkflowType.STANDARD,
                    classAndWay.getKey(), classAndWay.getValue(), counts[0], counts[1]));
        }
    }
}
