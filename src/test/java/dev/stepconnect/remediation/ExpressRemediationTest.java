package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.ExpressLogs.eventId;
import static dev.stepconnect.remediation.ExpressLogs.logEvent;
import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.sfn.model.LogLevel;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.Tag;

/**
 * The real handler with real SDK clients on the emulator, fed CloudWatch Logs subscription payloads
 * built as AWS builds them for an EXPRESS state machine (Express executions cannot be observed on an
 * emulator: what is asserted is what StepConnect sent, the StartExecution requests, through the
 * WireMock proxy in front of Step Functions). The retry ledger is a real S3 bucket on the emulator,
 * the input search a real FilterLogEvents on its log group.
 */
@ExtendWith(AwsEmulator.class)
class ExpressRemediationTest {
    private static final String THROTTLED = "Lambda.TooManyRequestsException";

    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();
    final CloudWatchLogsClient logs = AwsEmulator.clients().cloudWatchLogs();
    final S3Client s3 = AwsEmulator.clients().s3();
    final String bucket = AwsEmulator.uniqueName("stepconnect-ledger");
    final String logGroup = "/aws/vendedlogs/states/" + AwsEmulator.uniqueName("express-partner-call");

    ExpressRemediationTest() {
        s3.createBucket(r -> r.bucket(bucket));
        logs.createLogGroup(r -> r.logGroupName(logGroup));
    }

    @AfterEach
    void closeClients() {
        logs.close();
        s3.close();
    }

    // ------------------------------------------------------------------ wiring

    private RemediationHandler handler(RemediationSettings settings, boolean withLedger) {
        Clock clock = Clock.systemUTC();
        return new RemediationHandler(settings, new StepFunctionsGateway(fixture.sfnStub.clients().sfn()),
                RetryScheduler.of(fixture.scheduler, settings),
                new AlarmManager(fixture.cloudWatch.clients().cloudWatch(), settings.metricsNamespace(),
                        settings.alarmTopicArn(), clock),
                clock, () -> 0.5, Duration.ofSeconds(1),
                new ExpressWiring(new ExecutionLogSearch(logs), withLedger ? new RetryLedger(s3, bucket, clock) : null,
                        new StepFunctionsGateway(fixture.sfnStub.clients().withTimeouts(RemediationHandler.EXPRESS_START_TIMEOUTS).sfn())));
    }

    /** Immediate retries (base delay 0), max 3 attempts, budget 20. */
    private RemediationHandler immediate() {
        return handler(RemediationFixture.settings(3, 0, RemediationFixture.SCHEDULER_ROLE, fixture.group, 20, false), true);
    }

    private String expressMachine(Map<String, String> tags) {
        String logGroupArn = logs.describeLogGroups(r -> r.logGroupNamePrefix(logGroup)).logGroups().get(0).arn();
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return fixture.emulatorSfn.createStateMachine(r -> r.name(AwsEmulator.uniqueName("express-orders"))
                .type(StateMachineType.EXPRESS).definition(RemediationFixture.FAILING_DEFINITION)
                .roleArn("arn:aws:iam::123456789012:role/stepconnect-test")
                .loggingConfiguration(l -> l.level(LogLevel.ALL).includeExecutionData(true)
                        .destinations(d -> d.cloudWatchLogsLogGroup(g -> g.logGroupArn(logGroupArn))))
                .tags(tagList)).stateMachineArn();
    }

    private String optedIn() {
        return expressMachine(Map.of(StateMachineSettings.AUTO_RETRY_TAG, "true"));
    }

    private String payload(String executionArn, List<Map<String, Object>> events) {
        return ExpressLogs.payload(ExpressLogs.accountOf(executionArn), logGroup, events);
    }

    private static Map<String, Object> event(int id, String message) {
        return logEvent(eventId(id), System.currentTimeMillis(), message);
    }

    private List<JsonObject> startRequests() {
        List<JsonObject> starts = new ArrayList<>();
        for (LoggedRequest request : fixture.sfnStub.requests("StartExecution")) {
            starts.add(Json.parseObject(request.getBodyAsString()));
        }
        return starts;
    }

    /** Sum of a metric over EMF documents declaring exactly {@code dimensions} as one of their dimension sets. */
    @SuppressWarnings("unchecked")
    static double sum(List<JsonObject> documents, String metric, Map<String, String> dimensions) {
        double total = 0;
        for (JsonObject doc : documents) {
            Map<String, Object> directive = ((List<Map<String, Object>>) ((Map<String, Object>) doc.raw("_aws"))
                    .get("CloudWatchMetrics")).get(0);
            boolean declared = ((List<Map<String, Object>>) directive.get("Metrics")).stream()
                    .anyMatch(m -> metric.equals(m.get("Name")));
            boolean hasSet = ((List<List<String>>) directive.get("Dimensions")).stream()
                    .anyMatch(set -> new java.util.HashSet<>(set).equals(dimensions.keySet()));
            if (declared && hasSet && dimensions.entrySet().stream().allMatch(e -> e.getValue().equals(doc.raw(e.getKey())))) {
                total += ((Number) doc.raw(metric)).doubleValue();
            }
        }
        return total;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> outcomes(JsonObject response) {
        Map<String, Integer> outcomes = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) response.raw("outcomes")).forEach((k, v) -> outcomes.put(k, ((Number) v).intValue()));
        return outcomes;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void aFailureIsRetriedOnceWithTheOriginalInputFromTheSameDelivery() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-7");
        String input = "{\"order\":7,\"card\":\"4111-1111-private\"}";
        String payload = payload(execution, List.of(
                event(1, ExpressLogs.started(execution, input, false)),
                event(2, ExpressLogs.other("TaskStateEntered", execution)),
                event(3, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, "Rate exceeded"))));

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(immediate(), payload);
            lines = output.lines();
        }

        assertThat(outcomes(response)).isEqualTo(Map.of("RETRY_STARTED", 1));
        assertThat(response.number("ignored")).contains(1L);
        List<JsonObject> starts = startRequests();
        assertThat(starts).hasSize(1);
        assertThat(starts.get(0).string("stateMachineArn")).contains(machine);
        assertThat(starts.get(0).requiredString("name")).startsWith("order-7--retry2-").hasSizeLessThanOrEqualTo(80);
        assertThat(Json.parseObject(starts.get(0).requiredString("input")).asMap())
                .isEqualTo(Json.parseObject(input).asMap());

        String name = machineName(machine);
        List<JsonObject> metrics = emf(lines);
        // The alarm's series counts Express failures too; the WorkflowType set tells them apart.
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name))).isEqualTo(1.0);
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name, "WorkflowType", "EXPRESS"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling",
                "WorkflowType", "EXPRESS"))).isEqualTo(1.0);
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).hasSize(1);
        assertThat(fixture.cloudWatch.putMetricAlarmRequests().get(0).get("AlarmName"))
                .isEqualTo("stepconnect-" + name + "-failures");
        assertThat(String.join("\n", lines)).doesNotContain("4111-1111-private");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"message\":\"failure handled\"")
                .contains("\"workflowType\":\"EXPRESS\"").contains(execution));
    }

    @Test
    void theInputComesFromOneLogsQueryWhenTheStartWasDeliveredEarlier() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-8");
        long now = System.currentTimeMillis();
        logs.createLogStream(r -> r.logGroupName(logGroup).logStreamName("states/orders/stream-1"));
        logs.putLogEvents(r -> r.logGroupName(logGroup).logStreamName("states/orders/stream-1").logEvents(
                InputLogEvent.builder().timestamp(now - 2000).message(ExpressLogs.started(
                        ExpressLogs.executionArn(machine, "someone-else"), "{\"order\":1}", false)).build(),
                InputLogEvent.builder().timestamp(now - 1000).message(ExpressLogs.started(execution, "{\"order\":8}", false)).build()));

        JsonObject response = invoke(immediate(), payload(execution, List.of(
                logEvent(eventId(9), now, ExpressLogs.failed("ExecutionTimedOut", execution, "States.Timeout", null)))));

        assertThat(outcomes(response)).isEqualTo(Map.of("RETRY_STARTED", 1));
        assertThat(startRequests()).hasSize(1);
        assertThat(Json.parseObject(startRequests().get(0).requiredString("input")).asMap()).isEqualTo(Map.of("order", 8));
    }

    @Test
    void withoutAUsableInputTheRetryIsSkippedWithTheReasonAndOneWarning() {
        String machine = optedIn();
        String notLogged = ExpressLogs.executionArn(machine, "no-data");
        String truncated = ExpressLogs.executionArn(machine, "too-big");
        String nowhere = ExpressLogs.executionArn(machine, "never-started");
        String payload = payload(notLogged, List.of(
                event(1, ExpressLogs.startedWithoutData(notLogged)),
                event(2, ExpressLogs.failed("ExecutionFailed", notLogged, THROTTLED, null)),
                event(3, ExpressLogs.started(truncated, "{\"order\":", true)),
                event(4, ExpressLogs.failed("ExecutionFailed", truncated, THROTTLED, null)),
                event(5, ExpressLogs.failed("ExecutionFailed", nowhere, THROTTLED, null))));

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(immediate(), payload);
            lines = output.lines();
        }

        assertThat(outcomes(response)).isEqualTo(Map.of("SKIPPED", 3));
        assertThat(startRequests()).isEmpty();
        String name = machineName(machine);
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", name, "Reason", "InputUnavailable"))).isEqualTo(3.0);
        List<JsonObject> warnings = lines.stream().filter(l -> l.startsWith("{") && l.contains("includeExecutionData"))
                .map(Json::parseObject).toList();
        assertThat(warnings).hasSize(3);
        assertThat(warnings).extracting(w -> w.string("inputState").orElse(""))
                .containsExactlyInAnyOrder("ABSENT", "TRUNCATED", "NOT_FOUND");
        assertThat(warnings).allSatisfy(w -> assertThat(w.string("level")).contains("WARN"));
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void theSameFailureDeliveredAgainInAnyPayloadToAnyContainerIsRetriedOnce() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-9");
        Map<String, Object> start = event(1, ExpressLogs.started(execution, "{\"order\":9}", false));
        Map<String, Object> failure = event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null));
        String payload = payload(execution, List.of(start, failure));
        String otherExecution = ExpressLogs.executionArn(machine, "unrelated");
        String anotherPayload = payload(execution, List.of(
                event(7, ExpressLogs.started(otherExecution, "{}", false)), start, failure));

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            RemediationHandler container = immediate();
            assertThat(outcomes(invoke(container, payload))).isEqualTo(Map.of("RETRY_STARTED", 1));
            invoke(container, payload);
            // Other containers (fresh handlers) get the same payload and the failure in another payload.
            assertThat(outcomes(invoke(immediate(), payload))).isEqualTo(Map.of("ALREADY_RETRIED", 1));
            assertThat(outcomes(invoke(immediate(), anotherPayload))).isEqualTo(Map.of("ALREADY_RETRIED", 1));
            lines = output.lines();
        }

        assertThat(startRequests()).hasSize(1);
        String name = machineName(machine);
        assertThat(sum(emf(lines), "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", name))).isEqualTo(1.0);
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).hasSize(1);
    }

    @Test
    void anUntaggedStateMachineGetsMetricsAndItsAlarmButNoRetry() {
        String machine = expressMachine(Map.of());
        String execution = ExpressLogs.executionArn(machine, "order-10");

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(immediate(), payload(execution, List.of(
                    event(1, ExpressLogs.started(execution, "{\"order\":10}", false)),
                    event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null)))));
            lines = output.lines();
        }

        assertThat(outcomes(response)).isEqualTo(Map.of("SKIPPED", 1));
        assertThat(startRequests()).isEmpty();
        String name = machineName(machine);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", name, "WorkflowType", "EXPRESS"))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", name, "Reason", "NotOptedIn"))).isEqualTo(1.0);
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).hasSize(1);
    }

    @Test
    void malformedLogEventsAreCountedAndSkippedWithoutFailingTheOthers() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-11");
        String standard = machine.replace(":stateMachine:", ":execution:") + ":run-1";
        String foreign = execution.replace(":" + ExpressLogs.accountOf(execution) + ":", ":999999999999:");
        String data = ExpressLogs.data("DATA_MESSAGE", ExpressLogs.accountOf(execution), logGroup, List.of(
                event(1, "not json at all"),
                event(2, "{\"type\":\"ExecutionFailed\"}"),
                event(3, ExpressLogs.failed("ExecutionFailed", standard, THROTTLED, null)),
                event(4, ExpressLogs.failed("ExecutionFailed", foreign, THROTTLED, null)),
                event(5, ExpressLogs.started(execution, "{\"order\":11}", false)),
                event(6, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))));
        data = data.replace("\"logEvents\":[", "\"logEvents\":[{\"id\":\"" + eventId(99) + "\",\"timestamp\":1},");

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(immediate(), ExpressLogs.encoded(data));
            lines = output.lines();
        }

        assertThat(outcomes(response)).isEqualTo(Map.of("RETRY_STARTED", 1));
        assertThat(response.number("malformed")).contains(5L);
        assertThat(startRequests()).hasSize(1);
        assertThat(sum(emf(lines), "MalformedLogEvents", Map.of("LogGroup", logGroup))).isEqualTo(5.0);
        assertThat(lines.stream().filter(l -> l.contains("malformed log event skipped"))).hasSize(5)
                .allSatisfy(l -> assertThat(l).contains("logEventId").doesNotContain("not json at all"));
    }

    @Test
    void aRetriedExpressExecutionThatFailsAgainCountsTowardTheCap() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-12--retry3-0a1b2c3d");

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(immediate(), payload(execution, List.of(
                    event(1, ExpressLogs.started(execution, "{\"order\":12}", false)),
                    event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null)))));
            lines = output.lines();
        }

        assertThat(startRequests()).isEmpty();
        String name = machineName(machine);
        assertThat(sum(emf(lines), "AttemptsExhausted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", name, "Reason", "AttemptsExhausted"))).isEqualTo(1.0);
    }

    @Test
    void anExpressFailureIsNeverDescribedOrRedrivenWhateverItsRetryModeAndCountsUnderModeRestart() {
        String machine = expressMachine(Map.of(StateMachineSettings.AUTO_RETRY_TAG, "true",
                StateMachineSettings.RETRY_MODE_TAG, "redrive"));
        String execution = ExpressLogs.executionArn(machine, "order-21");

        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(immediate(), payload(execution, List.of(
                    event(1, ExpressLogs.started(execution, "{\"order\":21}", false)),
                    event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null)))));
            lines = output.lines();
        }

        assertThat(outcomes(response)).isEqualTo(Map.of("RETRY_STARTED", 1));
        // Trust path (#10 §4): only CloudWatch Logs' record; no DescribeExecution, history or redrive of an Express run.
        assertThat(fixture.sfnStub.requests("DescribeExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("GetExecutionHistory")).isEmpty();
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(startRequests()).hasSize(1);
        String name = machineName(machine);
        assertThat(sum(emf(lines), "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling",
                "Mode", "restart"))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling",
                "Mode", "redrive"))).isZero();
        // The log line's retryMode is the tag as read (docs), retryWay what was done.
        JsonObject handled = RemediationFixture.logs(lines, "failure handled").get(0);
        assertThat(handled.raw("retryMode")).isEqualTo("redrive");
        assertThat(handled.raw("retryWay")).isEqualTo("restart");
    }

    @Test
    void aDelayedRetryDeliveredToTwoContainersIsScheduledOnce() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-22");
        RemediationSettings settings = RemediationFixture.settings(3, 60, RemediationFixture.SCHEDULER_ROLE, fixture.group, 20, false);
        String payload = payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":22}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))));

        JsonObject first = invoke(handler(settings, true), payload);
        JsonObject second = invoke(handler(settings, true), payload);

        assertThat(outcomes(first)).isEqualTo(Map.of("RETRY_SCHEDULED", 1));
        assertThat(outcomes(second)).isEqualTo(Map.of("ALREADY_RETRIED", 1));
        assertThat(fixture.schedules()).hasSize(1);
        assertThat(startRequests()).isEmpty();
    }

    @Test
    void aRecordInALogGroupItsStateMachineDoesNotLogToStartsNothing() {
        // Another team's opted-in Express state machine, logging to its own group.
        String otherGroup = "/aws/vendedlogs/states/" + AwsEmulator.uniqueName("team-b");
        logs.createLogGroup(r -> r.logGroupName(otherGroup));
        String otherGroupArn = logs.describeLogGroups(r -> r.logGroupNamePrefix(otherGroup)).logGroups().get(0).arn();
        String victim = fixture.emulatorSfn.createStateMachine(r -> r.name(AwsEmulator.uniqueName("team-b-express"))
                .type(StateMachineType.EXPRESS).definition(RemediationFixture.FAILING_DEFINITION)
                .roleArn("arn:aws:iam::123456789012:role/stepconnect-test")
                .loggingConfiguration(l -> l.level(LogLevel.ALL).includeExecutionData(true)
                        .destinations(d -> d.cloudWatchLogsLogGroup(g -> g.logGroupArn(otherGroupArn))))
                .tags(Tag.builder().key(StateMachineSettings.AUTO_RETRY_TAG).value("true").build())).stateMachineArn();
        // And an opted-in Standard one, named through an "express" execution ARN.
        String standard = fixture.createOptedInStateMachine();
        String forgedExpress = ExpressLogs.executionArn(victim, "forged-1");
        String forgedStandard = ExpressLogs.executionArn(standard, "forged-2");
        // Written into this test's log group (a team that may write its own logs), delivered by CloudWatch Logs from it.
        String payload = payload(forgedExpress, List.of(
                event(1, ExpressLogs.started(forgedExpress, "{\"chosen\":\"by-sender\"}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", forgedExpress, THROTTLED, null)),
                event(3, ExpressLogs.started(forgedStandard, "{\"chosen\":\"by-sender\"}", false)),
                event(4, ExpressLogs.failed("ExecutionFailed", forgedStandard, THROTTLED, null))));

        JsonObject response = invoke(immediate(), payload);

        assertThat(outcomes(response)).isEqualTo(Map.of("SKIPPED", 2));
        assertThat(startRequests()).isEmpty();
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void aStateMachineThatCannotBeDescribedFailsTheInvocationWithoutAClaimAndTheRedeliveryRetriesOnce() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-23");
        String payload = payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":23}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))));
        fixture.sfnStub.fail("DescribeStateMachine", 500, "ServiceUnavailable", "try again");

        assertThatThrownBy(() -> invoke(immediate(), payload))
                .isInstanceOf(RemediationFailedException.class).hasMessageContaining("ServiceUnavailable");
        assertThat(startRequests()).isEmpty();
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();

        fixture.sfnStub.reset();
        fixture.sfnStub.proxyUnmatchedTo(AwsEmulator.endpoint());
        RemediationHandler container = immediate();
        assertThat(outcomes(invoke(container, payload))).isEqualTo(Map.of("RETRY_STARTED", 1));
        assertThat(outcomes(invoke(immediate(), payload))).isEqualTo(Map.of("ALREADY_RETRIED", 1));
        assertThat(startRequests()).hasSize(1);
    }

    @Test
    void aStartWhoseOutcomeIsUnknownIsNeitherRepeatedByTheSdkNorByTheRedelivery() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-24");
        String payload = payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":24}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))));
        // A 500 may come after Step Functions started the execution: Express StartExecution is not idempotent.
        fixture.sfnStub.fail("StartExecution", 500, "InternalServerError", "internal error");

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThatThrownBy(() -> invoke(immediate(), payload)).isInstanceOf(RemediationFailedException.class);
            lines = output.lines();
        }

        assertThat(startRequests()).hasSize(1);
        // The claim stays: Lambda's redelivery must not start a second execution.
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).hasSize(1);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"retryOutcome\":\"unknown\"").contains(execution));
        fixture.sfnStub.reset();
        fixture.sfnStub.proxyUnmatchedTo(AwsEmulator.endpoint());
        assertThat(outcomes(invoke(immediate(), payload))).isEqualTo(Map.of("ALREADY_RETRIED", 1));
        assertThat(startRequests()).isEmpty();
    }

    @Test
    void aDelayedRetryIsAScheduleThatStartsANewExecutionWithTheInput() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-13");
        RemediationSettings settings = RemediationFixture.settings(3, 60, RemediationFixture.SCHEDULER_ROLE, fixture.group, 20, false);

        JsonObject response = invoke(handler(settings, true), payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":13}", false)),
                event(2, ExpressLogs.failed("ExecutionTimedOut", execution, "States.Timeout", null)))));

        assertThat(outcomes(response)).isEqualTo(Map.of("RETRY_SCHEDULED", 1));
        assertThat(startRequests()).isEmpty();
        assertThat(fixture.schedules()).hasSize(1);
        GetScheduleResponse schedule = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(fixture.schedules().get(0).name()));
        assertThat(schedule.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:sfn:startExecution");
        JsonObject target = Json.parseObject(schedule.target().input());
        assertThat(target.string("StateMachineArn")).contains(machine);
        assertThat(target.requiredString("Name")).startsWith("order-13--retry2-");
        assertThat(Json.parseObject(target.requiredString("Input")).asMap()).isEqualTo(Map.of("order", 13));
        // Express StartExecution is not idempotent: the scheduler must not repeat a call whose answer it lost.
        assertThat(schedule.target().retryPolicy().maximumRetryAttempts()).isZero();
    }

    @Test
    void aRetryWhoseStartFailsIsReleasedAndMadeOnceWhenLambdaDeliversThePayloadAgain() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-14");
        String payload = payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":14}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))));
        fixture.sfnStub.fail("StartExecution", 400, "ThrottlingException", "Rate exceeded");

        assertThatThrownBy(() -> invoke(immediate(), payload))
                .isInstanceOf(RemediationFailedException.class).hasMessageContaining("ThrottlingException")
                .hasMessageNotContaining("order");
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();

        fixture.sfnStub.reset();
        fixture.sfnStub.proxyUnmatchedTo(AwsEmulator.endpoint());
        JsonObject again = invoke(immediate(), payload);

        assertThat(outcomes(again)).isEqualTo(Map.of("RETRY_STARTED", 1));
        assertThat(startRequests()).hasSize(1);
    }

    @Test
    void failuresNotReachedBeforeTheDeadlineFailTheInvocationForLambdasRetry() throws Exception {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-17");
        String payload = payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":17}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))));
        RemediationHandler handler = immediate();

        assertThatThrownBy(() -> handler.handleRequest(
                new java.io.ByteArrayInputStream(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new java.io.ByteArrayOutputStream(), new TestContext("remediation", Duration.ofMillis(500), 1024)))
                .isInstanceOf(RemediationFailedException.class).hasMessageContaining("deadline");
        assertThat(startRequests()).isEmpty();

        assertThat(outcomes(invoke(handler, payload))).isEqualTo(Map.of("RETRY_STARTED", 1));
        assertThat(startRequests()).hasSize(1);
    }

    @Test
    void anUnreachableLedgerFailsTheInvocationAndStartsNothing() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-15");
        s3.deleteBucket(r -> r.bucket(bucket));

        assertThatThrownBy(() -> invoke(immediate(), payload(execution, List.of(
                event(1, ExpressLogs.started(execution, "{\"order\":15}", false)),
                event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null))))))
                .isInstanceOf(RemediationFailedException.class).hasMessageContaining("NoSuchBucket");
        assertThat(startRequests()).isEmpty();
        s3.createBucket(r -> r.bucket(bucket));
    }

    @Test
    void withoutALedgerExpressFailuresAreCountedButNotRetried() {
        String machine = optedIn();
        String execution = ExpressLogs.executionArn(machine, "order-16");
        RemediationSettings settings = RemediationFixture.settings(3, 0, RemediationFixture.SCHEDULER_ROLE, fixture.group, 20, false);

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(handler(settings, false), payload(execution, List.of(
                    event(1, ExpressLogs.started(execution, "{\"order\":16}", false)),
                    event(2, ExpressLogs.failed("ExecutionFailed", execution, THROTTLED, null)))));
            lines = output.lines();
        }

        assertThat(startRequests()).isEmpty();
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", machineName(machine), "Reason", "NoRetryLedger")))
                .isEqualTo(1.0);
    }

    @Test
    void aControlMessageIsAcknowledged() {
        JsonObject response = invoke(immediate(), ExpressLogs.encoded(ExpressLogs.data("CONTROL_MESSAGE", "CloudwatchLogs",
                "testLogGroup", List.of(event(1, "CWL CONTROL MESSAGE: Checking health of destination Lambda function.")))));

        assertThat(response.string("messageType")).contains("CONTROL_MESSAGE");
        assertThat(startRequests()).isEmpty();
    }

    @Test
    void standardFailuresCarryWorkflowTypeStandard() {
        String machine = fixture.createStateMachine("standard", Map.of());
        String executionArn = machine.replace(":stateMachine:", ":execution:") + ":run-1";
        String event = "{\"detail-type\":\"Step Functions Execution Status Change\",\"source\":\"aws.states\",\"detail\":{"
                + "\"executionArn\":\"" + executionArn + "\",\"stateMachineArn\":\"" + machine + "\",\"name\":\"run-1\","
                + "\"status\":\"FAILED\",\"error\":\"" + THROTTLED + "\",\"cause\":null,\"redriveCount\":0}}";

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            invoke(immediate(), event);
            lines = output.lines();
        }

        String name = machineName(machine);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", name, "WorkflowType", "STANDARD"))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", name))).isEqualTo(1.0);
    }
}
