package dev.stepconnect.remediation;

import dev.stepconnect.aws.AwsErrors;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.config.Environment;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.log.Log;
import dev.stepconnect.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Entry point of RemediationFunction. Accepts an SQS batch whose bodies are "Step Functions Execution
 * Status Change" events (answers {@code {"batchItemFailures":[...]}}: a bad or failed message fails
 * alone and goes back to the queue, then to its DLQ) or one such event delivered directly, or a
 * CloudWatch Logs subscription payload of an Express state machine's log group ({@link ExpressRemediation}).
 */
public final class RemediationHandler implements RequestStreamHandler {
    private static final Log LOG = Log.named("remediation.handler");
    /** Stop taking new messages this close to the deadline; the rest go back to the queue untouched. */
    private static final Duration DEADLINE_RESERVE = Duration.ofSeconds(15);
    /**
     * One message makes up to four calls within a 60 s function timeout: each call (SDK retries
     * included) gets at most 15 s, so a stuck endpoint costs one message, not the batch.
     */
    static final AwsClients.ClientTimeouts CALL_TIMEOUTS = new AwsClients.ClientTimeouts(
            Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(15), 3);
    /**
     * Express StartExecution is not idempotent: one attempt per call, so a lost answer is never followed by a
     * second start (the SDK would retry it); a throttled start fails the invocation and Lambda delivers it again.
     */
    static final AwsClients.ClientTimeouts EXPRESS_START_TIMEOUTS = new AwsClients.ClientTimeouts(
            Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), 1);
    /** The alarm is a side job: a slow or throttled CloudWatch must not hold up the retry. */
    private static final AwsClients.ClientTimeouts ALARM_TIMEOUTS = new AwsClients.ClientTimeouts(
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(6), 2);
    /** How long a state machine's tags are trusted per container (the sweep uses the same). */

    private final RemediationService service;
    private final Duration deadlineReserve;
    private final ExpressRemediation express;

    public RemediationHandler() {
        this(Environment.system());
    }

    /** Builds the real dependencies from {@code env} (the local run passes its own). */
    public RemediationHandler(Environment env) {
        this(env, AwsClients.fromEnvironment(env), Clock.systemUTC());
    }

    RemediationHandler(Environment env, AwsClients clients, Clock clock) {
        this(RemediationSettings.from(env), clients.withTimeouts(CALL_TIMEOUTS), clients.withTimeouts(ALARM_TIMEOUTS), clock,
                env.optional(ExpressRemediation.LEDGER_BUCKET_VARIABLE).orElse(null));
    }

    private RemediationHandler(RemediationSettings settings, AwsClients callClients, AwsClients alarmClients, Clock clock,
                               String ledgerBucket) {
        this(settings, callClients.sfn(), callClients.scheduler(), alarmClients.cloudWatch(), clock,
                ExpressPriming.registered(callClients.cloudWatchLogs(), ledgerBucket == null ? null : callClients.s3(),
                        ledgerBucket, clock).withStarts(new StepFunctionsGateway(callClients.withTimeouts(EXPRESS_START_TIMEOUTS).sfn())));
    }

    private RemediationHandler(RemediationSettings settings, SfnClient sfn, SchedulerClient scheduler,
                               CloudWatchClient cloudWatch, Clock clock, ExpressWiring express) {
        // SecureRandom, not a seeded PRNG: under SnapStart every restored container would share the seed's jitter.
        this(settings, new StepFunctionsGateway(sfn),
                RetryScheduler.of(scheduler, settings),
                new AlarmManager(cloudWatch, settings.metricsNamespace(), settings.alarmTopicArn(), clock),
                clock, new SecureRandom()::nextDouble, DEADLINE_RESERVE, express);
        RemediationPriming.register(sfn, scheduler, cloudWatch);
    }

    /** Test wiring: each collaborator given, so tests can aim each client at its own endpoint. */
    RemediationHandler(RemediationSettings settings, StepFunctionsGateway stepFunctions, RetryScheduler scheduler,
                       AlarmManager alarms, Clock clock, DoubleSupplier random,
                       Duration deadlineReserve) {
        this(settings, stepFunctions, scheduler, alarms, clock, random, deadlineReserve, ExpressWiring.NONE);
    }

    /** Test wiring with the Express collaborators (log search, retry ledger) given too. */
    RemediationHandler(RemediationSettings settings, StepFunctionsGateway stepFunctions, RetryScheduler scheduler,
                       AlarmManager alarms, Clock clock, DoubleSupplier random,
                       Duration deadlineReserve, ExpressWiring express) {
        if (!settings.schedulerConfigured()) {
            LOG.warn("STEPCONNECT_SCHEDULER_ROLE_ARN is not set: retries run immediately, without backoff",
                    "unsetVariable", "STEPCONNECT_SCHEDULER_ROLE_ARN");
        }
        this.service = RemediationService.of(settings, random, TagCache.of(stepFunctions, clock),
                stepFunctions, scheduler, alarms, new Metrics(settings.metricsNamespace(), clock), clock);
        this.deadlineReserve = deadlineReserve;
        this.express = new ExpressRemediation(service, new ExpressRetries(express.ledger(), stepFunctions,
                        express.starts() == null ? stepFunctions : express.starts(), scheduler, clock),
                express.search(), new Metrics(settings.metricsNamespace(), clock), deadlineReserve);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonObject request;
        try {
            request = Json.parseObject(input);
        } catch (JsonException e) {
            LOG.warn("invocation payload is not a JSON object; rejected");
            throw new InvalidEventException("invocation payload is not a JSON object");
        }
        Object response = ExpressLogPayload.matches(request)
                ? express.handleSafely(request, () -> context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis())
                : request.has("Records") ? handleBatch(request, context) : handleDirectSafely(request);
        output.write(Json.write(response).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A direct invocation's exception is logged by the Lambda runtime with its message and stack trace,
     * and AWS error messages may quote an execution's input: rethrow with the error's kind only.
     */
    private Map<String, Object> handleDirectSafely(JsonObject event) {
        try {
            return handleDirect(event);
        } catch (InvalidEventException e) {
            throw e;
        } catch (AwsServiceException e) {
            String code = AwsErrors.code(e);
            LOG.warn("an AWS call failed while handling a direct event", "awsErrorCode", code, "statusCode", e.statusCode());
            throw new RemediationFailedException("an AWS call failed: " + code + " (HTTP " + e.statusCode() + ")");
        } catch (RuntimeException e) {
            LOG.error("direct event failed", e);
            throw new RemediationFailedException("handling the failure event failed: " + e.getClass().getSimpleName());
        }
    }

    private Map<String, Object> handleBatch(JsonObject batch, Context context) {
        List<JsonObject> records;
        try {
            records = batch.objects("Records");
        } catch (JsonException e) {
            throw new InvalidEventException("'Records' must be an array of SQS messages");
        }
        List<Map<String, String>> failures = new ArrayList<>();
        for (JsonObject record : records) {
            String messageId = record.string("messageId").orElse(null);
            if (messageId == null || messageId.isBlank()) {
                LOG.error("SQS record without messageId cannot be reported; skipped", null);
                continue;
            }
            if (context != null && context.getRemainingTimeInMillis() < deadlineReserve.toMillis()) {
                failures.add(Map.of("itemIdentifier", messageId));
                continue;
            }
            if (!handleMessage(messageId, record)) {
                failures.add(Map.of("itemIdentifier", messageId));
            }
        }
        return Map.of("batchItemFailures", failures);
    }

    private boolean handleMessage(String messageId, JsonObject record) {
        try {
            FailureEvent event = FailureEvent.parse(record.string("body").orElse(null));
            service.handle(event);
            return true;
        } catch (InvalidEventException e) {
            // The reason names a field or the event type, never the body's content.
            LOG.warn("invalid message; reported as a batch item failure", "messageId", messageId,
                    "reason", e.getMessage());
            return false;
        } catch (AwsServiceException e) {
            // AWS error messages may quote request fields (an execution's input); the code says enough.
            LOG.warn("an AWS call failed; message reported as a batch item failure", "messageId", messageId,
                    "errorType", e.getClass().getSimpleName(), "awsErrorCode", AwsErrors.code(e), "statusCode", e.statusCode());
            return false;
        } catch (RuntimeException e) {
            LOG.error("message failed; reported as a batch item failure", e, "messageId", messageId);
            return false;
        }
    }

    private Map<String, Object> handleDirect(JsonObject event) {
        FailureEvent failure = FailureEvent.fromEvent(event);
        Outcome outcome = service.handle(failure);
        Map<String, Object> response = Json.object();
        response.put("outcome", outcome.kind().name());
        if (outcome.classification() != null) {
            response.put("errorClass", outcome.classification().errorClass().dimension());
        }
        if (outcome.decision() != null && outcome.decision().skipReason() != null) {
            response.put("skipReason", outcome.decision().skipReason().dimension());
        }
        return response;
    }
}
