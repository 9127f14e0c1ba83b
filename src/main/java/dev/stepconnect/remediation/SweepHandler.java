package dev.stepconnect.remediation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.config.Environment;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Entry point of RemediationSweepFunction: the catch-up sweep (its schedule's event) and the on-demand
 * bulk retry ({@code aws lambda invoke} with a filter, see {@link SweepFilter}), answered with a JSON
 * report of counts per outcome and the first 50 executions. A filter that breaks a rule fails the
 * invocation at once ({@link InvalidSweepFilterException}) and nothing is retried; a scheduled run that
 * could not decide some failures fails after finishing the rest ({@link SweepFailedException}), so the
 * function's error alarm fires.
 */
public final class SweepHandler implements RequestStreamHandler {
    private static final Log LOG = Log.named("remediation.sweep.handler");
    /**
     * A run takes no new execution this close to the Lambda deadline: one decision makes up to five calls
     * of at most 15 s each (SDK retries included), and the report must still be written.
     */
    private static final Duration DEADLINE_RESERVE = Duration.ofSeconds(75);
    /** Longest run even when the function's timeout is longer. */
    private static final Duration LONGEST_RUN = Duration.ofMinutes(14);
    /** Each call (SDK retries included) gets at most 15 s, as on the event path. */
    private static final AwsClients.ClientTimeouts CALL_TIMEOUTS = RemediationHandler.CALL_TIMEOUTS;

    private final SweepService service;
    private final SweepSettings sweepSettings;
    private final Duration deadlineReserve;
    private final Clock clock;

    public SweepHandler() {
        this(Environment.system());
    }

    /** Builds the real dependencies from {@code env} (the local run passes its own). */
    public SweepHandler(Environment env) {
        this(env, AwsClients.fromEnvironment(env).withTimeouts(CALL_TIMEOUTS), Clock.systemUTC());
    }

    private SweepHandler(Environment env, AwsClients clients, Clock clock) {
        this(env, clients.sfn(), clients.scheduler(), clock);
    }

    /** Each client built once: priming must warm the very clients the handler calls (and not build a second pair). */
    private SweepHandler(Environment env, SfnClient sfn, SchedulerClient scheduler, Clock clock) {
        this(RemediationSettings.from(env), SweepSettings.from(env), sfn, scheduler, clock,
                new SecureRandom()::nextDouble, DEADLINE_RESERVE);
        SweepPriming.register(sfn, scheduler);
    }

    /** Test wiring: real SDK clients aimed wherever the test wants, the jitter pinned. */
    SweepHandler(RemediationSettings settings, SweepSettings sweepSettings, SfnClient sfn, SchedulerClient scheduler,
                 Clock clock, DoubleSupplier random, Duration deadlineReserve) {
        StepFunctionsGateway stepFunctions = new StepFunctionsGateway(sfn);
        TagCache tags = TagCache.of(stepFunctions, clock);
        Metrics metrics = new Metrics(settings.metricsNamespace(), clock);
        RemediationService live = RemediationService.of(settings, random, tags, stepFunctions,
                RetryScheduler.of(scheduler, settings),
                new SweepDryRun.NoAlarms(settings.metricsNamespace(), clock), metrics, clock);
        // A dry run decides with a budget of its own (full at the start of the run) and writes nothing.
        Supplier<RemediationService> dryRun = () -> RemediationService.of(settings, random, tags,
                new SweepDryRun.StepFunctions(sfn), new SweepDryRun.Scheduler(scheduler, settings.scheduleGroup(),
                        settings.schedulerRoleArn()),
                new SweepDryRun.NoAlarms(settings.metricsNamespace(), clock), metrics, clock);
        this.service = new SweepService(settings, sweepSettings, new SweepExecutions(sfn, scheduler, settings.scheduleGroup()),
                tags, live, dryRun, metrics, clock);
        this.sweepSettings = sweepSettings;
        this.deadlineReserve = deadlineReserve;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonObject payload;
        try {
            payload = Json.parseObject(input);
        } catch (JsonException e) {
            // The parser's message may quote the payload: say only what is wrong.
            throw rejected(new InvalidSweepFilterException("the payload must be a JSON object"));
        }
        SweepFilter filter;
        try {
            filter = SweepFilter.isScheduledEvent(payload)
                    ? SweepFilter.scheduledRun(clock.instant(), sweepSettings.lookback())
                    : SweepFilter.onDemand(payload, clock.instant(), sweepSettings.lookback());
        } catch (InvalidSweepFilterException e) {
            throw rejected(e);
        }
        Deadline deadline = context == null ? Deadline.in(LONGEST_RUN, clock)
                : Deadline.forInvocation(context, deadlineReserve, LONGEST_RUN, clock);
        SweepReport report;
        try {
            report = service.run(filter, deadline);
        } catch (InvalidSweepFilterException e) {
            // Only what AWS alone can tell (an Express state machine), found before anything was retried.
            throw rejected(e);
        }
        int failed = report.count(SweepReport.Result.FAILED);
        if (filter.scheduled() && failed > 0) {
            throw new SweepFailedException(failed + " failure(s) or state machine(s) could not be decided because an"
                    + " AWS call failed; see the log lines of this run. The next run tries them again.");
        }
        output.write(Json.write(report.toMap()).getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidSweepFilterException rejected(InvalidSweepFilterException e) {
        LOG.warn("sweep filter rejected; nothing was retried", "reason", e.getMessage());
        return e;
    }
}
