package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ListSchedulesResponse;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.scheduler.model.ValidationException;

/**
 * Delayed retries as EventBridge Scheduler one-time schedules that call Step Functions directly
 * (universal targets), deleted by the scheduler after they ran.
 */
public class RetryScheduler {
    static final String REDRIVE_TARGET = "arn:aws:scheduler:::aws-sdk:sfn:redriveExecution";
    static final String START_TARGET = "arn:aws:scheduler:::aws-sdk:sfn:startExecution";
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    /** The scheduler retries a failing target call a few times, not its default 185 times over a day. */
    private static final int TARGET_RETRY_ATTEMPTS = 3;
    private static final int TARGET_MAX_EVENT_AGE_SECONDS = 3600;

    private final SchedulerClient scheduler;
    private final String group;
    private final String roleArn;
    private final String deadLetterArn;

    /** {@code deadLetterArn} (an SQS queue) may be null: failed target calls are then dropped. */
    public RetryScheduler(SchedulerClient scheduler, String group, String roleArn, String deadLetterArn) {
        this.scheduler = scheduler;
        this.group = group;
        this.roleArn = roleArn;
        this.deadLetterArn = deadLetterArn;
    }

    /** The scheduler of the deployment's schedule group, scheduler role and dead-letter queue. */
    public static RetryScheduler of(SchedulerClient scheduler, RemediationSettings settings) {
        return new RetryScheduler(scheduler, settings.scheduleGroup(), settings.schedulerRoleArn(),
                settings.scheduleDeadLetterArn());
    }

    /** Retry schedules with the given name prefix that have not run yet, counted up to {@code limit}. */
    public int countPending(String namePrefix, int limit) {
        int count = 0;
        String token = null;
        do {
            String page = token;
            ListSchedulesResponse response = scheduler.listSchedules(r -> r.groupName(group).namePrefix(namePrefix)
                    .maxResults(100).nextToken(page));
            for (ScheduleSummary summary : response.schedules()) {
                // Filter again: do not rely on every endpoint honouring NamePrefix.
                if (summary.name() != null && summary.name().startsWith(namePrefix)) {
                    count++;
                }
            }
            token = response.nextToken();
        } while (token != null && !token.isEmpty() && count < limit);
        return count;
    }

    /**
     * The delayed redrive of {@code failure} as retry number {@code retry}: RedriveExecution with the
     * failure's deterministic clientToken, under the failure's deterministic schedule name.
     */
    public RetryResult scheduleRedrive(FailureEvent failure, int retry, Instant at) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("ExecutionArn", failure.executionArn());
        target.put("ClientToken", RetryNames.redriveClientToken(failure));
        return schedule(RetryNames.scheduleName(failure), at, REDRIVE_TARGET, Json.write(target), description(failure, retry));
    }

    /**
     * The delayed new execution retrying {@code failure} as retry number {@code retry}: StartExecution of
     * {@code stateMachineArn} (the state machine, or its alias or version) under the deterministic execution
     * name {@link RetryNames#retryExecutionName} with {@code input}, under the failure's deterministic schedule name.
     */
    public RetryResult scheduleStart(FailureEvent failure, int retry, String stateMachineArn, String input, Instant at) {
        return scheduleStart(failure, retry, stateMachineArn, input, at, true);
    }

    /**
     * {@link #scheduleStart(FailureEvent, int, String, String, Instant)} for a state machine whose
     * StartExecution is not idempotent ({@code idempotent} false: an Express one): the scheduler then makes one
     * attempt, since repeating a call whose answer it lost could start the execution twice; a failed call goes
     * to the dead-letter queue.
     */
    public RetryResult scheduleStart(FailureEvent failure, int retry, String stateMachineArn, String input, Instant at,
                                     boolean idempotent) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("StateMachineArn", stateMachineArn);
        target.put("Name", RetryNames.retryExecutionName(failure, retry));
        target.put("Input", input);
        return schedule(RetryNames.scheduleName(failure), at, START_TARGET, Json.write(target), description(failure, retry),
                idempotent ? TARGET_RETRY_ATTEMPTS : 0);
    }

    private static String description(FailureEvent failure, int retry) {
        return "StepConnect retry " + retry + " of " + failure.stateMachineName();
    }

    /**
     * A one-time schedule {@code name} (at most 64 characters of {@code [0-9A-Za-z_.-]}) calling
     * {@code targetArn} with {@code inputJson} at {@code at} (UTC, second precision), the target call retried
     * by the scheduler a few times within an hour. {@link RetryResult#ALREADY_DONE} when a schedule of that
     * name exists (Conflict), {@link RetryResult#REJECTED} when the scheduler refuses the request as invalid
     * (Validation); any other AWS or SDK error is thrown as it is.
     *
     * @see <a href="https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html">CreateSchedule</a>
     */
    public RetryResult schedule(String name, Instant at, String targetArn, String inputJson, String description) {
        return schedule(name, at, targetArn, inputJson, description, TARGET_RETRY_ATTEMPTS);
    }

    /** @param targetRetries how often the scheduler repeats a failed target call (0-185) */
    public RetryResult schedule(String name, Instant at, String targetArn, String inputJson, String description,
                                int targetRetries) {
        try {
            scheduler.createSchedule(r -> r.name(name)
                    .groupName(group)
                    .scheduleExpression("at(" + AT.format(at.truncatedTo(ChronoUnit.SECONDS)) + ")")
                    .scheduleExpressionTimezone("UTC")
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
                    .actionAfterCompletion(ActionAfterCompletion.DELETE)
                    .description(description)
                    .target(t -> {
                        t.arn(targetArn).roleArn(roleArn).input(inputJson)
                                .retryPolicy(p -> p.maximumRetryAttempts(targetRetries)
                                        .maximumEventAgeInSeconds(TARGET_MAX_EVENT_AGE_SECONDS));
                        if (deadLetterArn != null) {
                            // A retry whose redrive/start call still fails is kept there, not dropped silently.
                            t.deadLetterConfig(d -> d.arn(deadLetterArn));
                        }
                    }));
            return RetryResult.DONE;
        } catch (ConflictException e) {
            // Same deterministic name: an earlier delivery of this failure already scheduled its retry.
            return RetryResult.ALREADY_DONE;
        } catch (ValidationException e) {
            return RetryResult.REJECTED;
        }
    }
}
