package dev.stepconnect.remediation;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.log.Log;
import dev.stepconnect.remediation.Outcome.Kind;
import dev.stepconnect.remediation.RetryDecision.Action;
import dev.stepconnect.remediation.RetryDecision.SkipReason;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Retries of Express executions: always a new execution (StartExecution, now or through an EventBridge
 * Scheduler one-time schedule) of the state machine with the original input, named
 * {@code <name>--retry<N>-<hash>} so the attempt count survives. Express StartExecution is not idempotent
 * and the execution cannot be described afterwards, so every retry is first claimed in the
 * {@link RetryLedger}: one claim per failed execution, whichever container or delivery comes first.
 * <p>
 * The record is trusted only as far as AWS confirms it: its state machine must log to the log group CloudWatch
 * Logs delivered it from (DescribeStateMachine), else the retry is refused ({@code TargetRefused}).
 */
final class ExpressRetries {
    static final String INPUT_SETTINGS_HINT = "log the state machine at level ALL with includeExecutionData: true";
    private static final Log LOG = Log.named("remediation.express");
    /** A state machine's logging configuration changes rarely: read it at most every 5 minutes per container. */
    private static final Duration MACHINE_TTL = Duration.ofMinutes(5);

    private final RetryLedger ledger;
    private final StepFunctionsGateway stepFunctions;
    private final StepFunctionsGateway starts;
    private final RetryScheduler scheduler;
    private final Clock clock;
    /** State machine ARN → the log groups it logs to (none when gone), as DescribeStateMachine said. */
    private final Map<String, MachineLogs> machines = new LruMap<>(256);

    /** @param ledger null when no ledger bucket is configured: Express failures are then never retried */
    /** @param starts the gateway of StartExecution calls (one attempt per call, see {@link ExpressWiring}) */
    ExpressRetries(RetryLedger ledger, StepFunctionsGateway stepFunctions, StepFunctionsGateway starts,
                   RetryScheduler scheduler, Clock clock) {
        this.ledger = ledger;
        this.stepFunctions = stepFunctions;
        this.starts = starts;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * The retry of one failure whose input comes from {@code start} (evaluated only when a retry is due:
     * it may cost a FilterLogEvents call).
     */
    UndescribableRetry forFailure(String logGroup, Supplier<Optional<ExecutionLogEntry>> start) {
        return (failure, classification, decision) -> retry(failure, classification, decision, logGroup, start);
    }

    private Outcome retry(FailureEvent failure, Classification classification, RetryDecision decision,
                          String logGroup, Supplier<Optional<ExecutionLogEntry>> start) {
        if (ledger == null) {
            LOG.warn("Express failure not retried: STEPCONNECT_RETRY_LEDGER_BUCKET is not set",
                    "executionArn", failure.executionArn());
            return skipped(classification, decision, SkipReason.NO_RETRY_LEDGER);
        }
        if (!logsThere(failure, logGroup)) {
            // A record in a log group its state machine does not log to was not written by Step Functions for it
            // (#10 §4: act on AWS's record): neither its state machine nor its input is trusted.
            LOG.warn("retry refused: the state machine does not log to the delivering log group",
                    "executionArn", failure.executionArn(), "logGroup", logGroup);
            return skipped(classification, decision, SkipReason.TARGET_REFUSED);
        }
        Optional<ExecutionLogEntry> started = start.get();
        if (started.isEmpty() || started.get().inputState() != ExecutionLogEntry.InputState.INCLUDED) {
            // The input itself is never logged; only whether and why it is missing.
            LOG.warn("Express failure not retried: its input is not in the logs; " + INPUT_SETTINGS_HINT,
                    "executionArn", failure.executionArn(), "logGroup", logGroup,
                    "inputState", started.map(s -> s.inputState().name()).orElse("NOT_FOUND"));
            return skipped(classification, decision, SkipReason.INPUT_UNAVAILABLE);
        }
        String input = started.get().input();
        String claimKey = failure.executionArn();
        if (ledger.claim(claimKey, failure.executionArn()) == RetryLedger.Claim.ALREADY_CLAIMED) {
            return Outcome.of(Kind.ALREADY_RETRIED, classification, decision);
        }
        Kind kind;
        try {
            kind = decision.action() == Action.RETRY_LATER ? later(failure, decision, input) : now(failure, decision, input);
        } catch (AwsServiceException e) {
            if (decision.action() != Action.RETRY_LATER && e.statusCode() >= 500) {
                throw outcomeUnknown(failure, e, AwsErrors.code(e));
            }
            // Refused (throttled, denied, invalid), or a schedule (its name makes a repeat a no-op): give the
            // claim back for Lambda's redelivery.
            ledger.release(claimKey, failure.executionArn());
            throw e;
        } catch (SdkClientException e) {
            if (decision.action() != Action.RETRY_LATER) {
                throw outcomeUnknown(failure, e, e.getClass().getSimpleName());
            }
            ledger.release(claimKey, failure.executionArn());
            throw e;
        } catch (RuntimeException e) {
            ledger.release(claimKey, failure.executionArn());
            throw e;
        }
        // Express executions cannot be redriven: a retry is always a new execution.
        return Outcome.of(kind, classification, decision, EXPRESS_ROUTE);
    }

    /**
     * Whether the failure's state machine's logging configuration names {@code logGroup}
     * (the group CloudWatch Logs says it delivered from), read at most once per {@link #MACHINE_TTL} per state machine.
     */
    private boolean logsThere(FailureEvent failure, String logGroup) {
        if (logGroup == null) {
            return false;
        }
        String machine = failure.baseStateMachineArn();
        long now = clock.millis();
        MachineLogs known;
        synchronized (machines) {
            known = machines.get(machine);
        }
        if (known == null || now - known.loadedMillis() >= MACHINE_TTL.toMillis()) {
            known = new MachineLogs(stepFunctions.logGroups(machine).orElse(Set.of()), now);
            synchronized (machines) {
                machines.put(machine, known);
            }
        }
        return known.logGroups().contains(logGroup);
    }

    private record MachineLogs(Set<String> logGroups, long loadedMillis) {
    }

    /**
     * A StartExecution without a definite answer (a 5xx, a timeout) may have started the execution, and Express
     * StartExecution is not idempotent: the claim is kept, so no redelivery starts it a second time (at most
     * once when the outcome is unknown; the ERROR line names the execution).
     */
    private static <E extends RuntimeException> E outcomeUnknown(FailureEvent failure, E e, String error) {
        LOG.error("the Express retry may or may not have started; it will not be repeated", null,
                "executionArn", failure.executionArn(), "retryOutcome", "unknown", "error", error);
        return e;
    }

    private Kind now(FailureEvent failure, RetryDecision decision, String input) {
        String name = RetryNames.retryExecutionName(failure, decision.attempt() + 1);
        RetryResult started = starts.start(failure.stateMachineArn(), name, input);
        return started == RetryResult.DONE ? Kind.RETRY_STARTED : Kind.ALREADY_RETRIED;
    }

    private Kind later(FailureEvent failure, RetryDecision decision, String input) {
        RetryResult scheduled = scheduler.scheduleStart(failure, decision.attempt() + 1, failure.stateMachineArn(), input,
                clock.instant().plus(decision.delay()), false);
        return switch (scheduled) {
            case DONE -> Kind.RETRY_SCHEDULED;
            case ALREADY_DONE -> Kind.ALREADY_RETRIED;
            default -> {
                LOG.warn("the scheduler refused the delayed retry; retrying now instead", "executionArn",
                        failure.executionArn());
                yield now(failure, decision, input);
            }
        };
    }

    private static final RetryRoute EXPRESS_ROUTE =
            new RetryRoute(RetryRoute.Way.RESTART, RetryMode.RESTART, null, "Express executions cannot be redriven");

    private static Outcome skipped(Classification classification, RetryDecision decision, SkipReason reason) {
        return Outcome.of(Kind.SKIPPED, classification, decision.skipped(reason));
    }
}
