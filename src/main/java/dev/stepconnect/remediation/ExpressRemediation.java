package dev.stepconnect.remediation;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.log.Log;
import dev.stepconnect.metrics.Metrics;
import dev.stepconnect.metrics.Metrics.Metric;
import dev.stepconnect.remediation.ExpressLogPayload.LogEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * RemediationFunction's third event shape: a CloudWatch Logs subscription delivery from an Express state
 * machine's log group. Each {@code ExecutionFailed} / {@code ExecutionTimedOut} / {@code ExecutionAborted}
 * record becomes a failure record for the shared flow (same classification, tags, policy, budget,
 * metrics with {@code WorkflowType=EXPRESS}, alarm); {@code ExecutionStarted} records of the same delivery
 * supply the input, else one bounded FilterLogEvents query does. Every other record type is ignored.
 * <p>
 * A malformed log event is counted ({@code MalformedLogEvents}, dimension {@code LogGroup}), logged by
 * its id and skipped; the others are still handled. A failure whose AWS calls failed does not stop the
 * others either; once all were tried the invocation fails, so Lambda delivers the payload again (async
 * invocations are retried twice) and the ledger keeps the retries already made from repeating.
 */
final class ExpressRemediation {
    static final String LEDGER_BUCKET_VARIABLE = "STEPCONNECT_RETRY_LEDGER_BUCKET";
    static final String MALFORMED_LOG_EVENTS = "MalformedLogEvents";
    static final String LOG_GROUP = "LogGroup";
    private static final Log LOG = Log.named("remediation.express");

    private final RemediationService service;
    private final ExpressRetries retries;
    private final ExecutionLogSearch search;
    private final Metrics metrics;
    private final Duration deadlineReserve;

    ExpressRemediation(RemediationService service, ExpressRetries retries, ExecutionLogSearch search, Metrics metrics,
                       Duration deadlineReserve) {
        this.deadlineReserve = deadlineReserve;
        this.service = service;
        this.retries = retries;
        this.search = search;
        this.metrics = metrics;
    }

    /**
     * {@link #handle} for the handler: the Lambda runtime logs a thrown exception's message and stack
     * trace, so anything but this feature's own exceptions (whose messages name no content) is rethrown
     * with its type only.
     */
    Map<String, Object> handleSafely(JsonObject invocation, LongSupplier remainingMillis) {
        try {
            return handle(invocation, remainingMillis);
        } catch (InvalidEventException | RemediationFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("CloudWatch Logs payload failed", e);
            throw new RemediationFailedException("handling the CloudWatch Logs payload failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Handles one subscription payload and answers counts per outcome (never input, never messages).
     * Failures not reached before {@code remainingMillis} falls under the reserve fail the invocation, so
     * Lambda delivers the payload again; those already handled are then recognised.
     */
    Map<String, Object> handle(JsonObject invocation, LongSupplier remainingMillis) {
        ExpressLogPayload payload = ExpressLogPayload.decode(ExpressLogPayload.envelope(invocation));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("messageType", payload.messageType());
        if (payload.isControl()) {
            return response;
        }
        Map<String, ExecutionLogEntry> starts = new HashMap<>();
        List<Map.Entry<LogEvent, ExecutionLogEntry>> failures = new ArrayList<>();
        int malformed = 0;
        int ignored = 0;
        for (LogEvent event : payload.logEvents()) {
            if (event.message() == null) {
                malformed++;
                LOG.warn("malformed log event skipped", "logGroup", payload.logGroup(), "logEventId", event.id(),
                        "reason", "log event without id or message");
                continue;
            }
            try {
                ExecutionLogEntry entry = ExecutionLogEntry.parse(event.message());
                if (entry.isStarted()) {
                    starts.put(entry.executionArn(), entry);
                } else if (entry.isFailure()) {
                    failures.add(Map.entry(event, entry));
                } else {
                    ignored++;
                }
            } catch (InvalidEventException e) {
                malformed++;
                LOG.warn("malformed log event skipped", "logGroup", payload.logGroup(), "logEventId", event.id(),
                        "reason", e.getMessage());
            }
        }
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<LogEvent, ExecutionLogEntry> failure : failures) {
            if (remainingMillis.getAsLong() < deadlineReserve.toMillis()) {
                errors.add("deadline");
                continue;
            }
            String result = handleFailure(payload, failure.getKey(), failure.getValue(), starts, errors);
            if (result == null) {
                malformed++;
            } else {
                outcomes.merge(result, 1, Integer::sum);
            }
        }
        if (malformed > 0) {
            metrics.emit(Map.of(LOG_GROUP, String.valueOf(payload.logGroup())),
                    new Metric(MALFORMED_LOG_EVENTS, malformed, "Count"));
        }
        response.put("failures", failures.size());
        response.put("outcomes", outcomes);
        response.put("malformed", malformed);
        response.put("ignored", ignored);
        if (!errors.isEmpty()) {
            // Lambda retries a failed async invocation: the failures not yet handled get another chance.
            throw new RemediationFailedException(errors.size() + " of " + failures.size()
                    + " Express failures could not be handled: " + String.join(", ", errors));
        }
        return response;
    }

    /** The outcome kind's name, or null when the record cannot be an Express failure of this account. */
    private String handleFailure(ExpressLogPayload payload, LogEvent event, ExecutionLogEntry entry,
                                 Map<String, ExecutionLogEntry> starts, List<String> errors) {
        ExpressFailure failure;
        try {
            failure = ExpressFailure.from(event.id(), event.timestamp(), entry);
        } catch (InvalidEventException e) {
            LOG.warn("malformed log event skipped", "logGroup", payload.logGroup(), "logEventId", event.id(),
                    "reason", e.getMessage());
            return null;
        }
        if (payload.owner() != null && !payload.owner().equals(failure.account())) {
            LOG.warn("malformed log event skipped", "logGroup", payload.logGroup(), "logEventId", event.id(),
                    "reason", "execution of another account than the log group's");
            return null;
        }
        UndescribableRetry retry = retries.forFailure(payload.logGroup(), () -> inputOf(payload, failure, starts));
        try {
            return service.handleUndescribable(failure.toFailureEvent(null), retry).kind().name();
        } catch (AwsServiceException e) {
            // AWS error messages may quote request fields (the input): the code says enough.
            String code = AwsErrors.code(e);
            LOG.warn("an AWS call failed while handling an Express failure", "executionArn", failure.executionArn(),
                    "awsErrorCode", code, "statusCode", e.statusCode());
            errors.add(code);
        } catch (SdkException e) {
            LOG.warn("an AWS call failed while handling an Express failure", "executionArn", failure.executionArn(),
                    "errorType", e.getClass().getSimpleName());
            errors.add(e.getClass().getSimpleName());
        }
        return "FAILED_TO_HANDLE";
    }

    private Optional<ExecutionLogEntry> inputOf(ExpressLogPayload payload, ExpressFailure failure,
                                                Map<String, ExecutionLogEntry> starts) {
        ExecutionLogEntry inDelivery = starts.get(failure.executionArn());
        if (inDelivery != null) {
            return Optional.of(inDelivery);
        }
        if (payload.logGroup() == null || search == null) {
            return Optional.empty();
        }
        return search.findStart(payload.logGroup(), failure.executionArn(), failure.timestamp());
    }
}
