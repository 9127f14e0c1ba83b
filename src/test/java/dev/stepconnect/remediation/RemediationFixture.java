package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CloudWatchCborStub;
import dev.stepconnect.testing.Eventually;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.Tag;

/**
 * Shared wiring of the remediation integration tests: Step Functions through a WireMock stub that
 * answers RedriveExecution (moto lacks it) and forwards everything else to the emulator, EventBridge
 * Scheduler on the emulator, CloudWatch on a CBOR stub. The handler is the real one, built by its
 * test constructor with real SDK clients. Register it as a per-test extension
 * ({@code @RegisterExtension final RemediationFixture fixture = new RemediationFixture();}, after
 * {@code @ExtendWith(AwsEmulator.class)} has started the emulator) and it closes itself after each test.
 */
final class RemediationFixture implements AutoCloseable, AfterEachCallback {
    static final String SCHEDULER_ROLE = "arn:aws:iam::123456789012:role/stepconnect-scheduler";
    static final String SCHEDULE_DLQ = "arn:aws:sqs:us-east-1:123456789012:stepconnect-schedule-dlq";
    static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:stepconnect-alarms";
    static final String FAILING_DEFINITION = """
            {"StartAt":"CallPartner","States":{
              "CallPartner":{"Type":"Pass","Next":"Throttled"},
              "Throttled":{"Type":"Fail","Error":"Lambda.TooManyRequestsException","Cause":"Rate exceeded"}}}""";

    /** Newest first, as GetExecutionHistory with reverseOrder=true: the HTTP Task failed the execution itself. */
    static final String TASK_FAILED_HISTORY = history(
            event(9, "ExecutionFailed", null), event(8, "TaskFailed", null), event(7, "TaskStarted", null),
            event(6, "TaskScheduled", null), event(5, "TaskStateEntered", "CallPartnerApi"));
    /** Newest first: the Task's error was caught into a Fail state (Catch → Fail). */
    static final String FAIL_STATE_HISTORY = history(
            event(11, "ExecutionFailed", null), event(10, "FailStateEntered", "PartnerCallFailed"),
            event(9, "TaskStateExited", null), event(8, "TaskFailed", null), event(7, "TaskStarted", null),
            event(6, "TaskScheduled", null), event(5, "TaskStateEntered", "CallPartnerApi"));

    static String event(int id, String type, String enteredState) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("timestamp", 1764050000.0 + id);
        event.put("type", type);
        event.put("id", id);
        event.put("previousEventId", id - 1);
        if (enteredState != null) {
            event.put("stateEnteredEventDetails", Map.of("name", enteredState, "inputDetails", Map.of("truncated", false)));
        }
        if (type.equals("ExecutionFailed") || type.equals("TaskFailed")) {
            event.put(type.equals("ExecutionFailed") ? "executionFailedEventDetails" : "taskFailedEventDetails",
                    Map.of("error", "States.Http.StatusCode.503", "cause", "unavailable"));
        }
        return Json.write(event);
    }

    static String history(String... newestFirst) {
        return "{\"events\":[" + String.join(",", newestFirst) + "]}";
    }

    final SfnClient emulatorSfn = AwsEmulator.clients().sfn();
    final SchedulerClient scheduler = AwsEmulator.clients().scheduler();
    final AwsJsonStub sfnStub = new AwsJsonStub("AWSStepFunctions");
    final CloudWatchCborStub cloudWatch = new CloudWatchCborStub();
    final String group = AwsEmulator.uniqueName("stepconnect-test");

    RemediationFixture() {
        sfnStub.succeed("RedriveExecution", "{\"redriveDate\":1764050000.123}");
        // Emulators ignore reverseOrder and keep no real history: answer as AWS does for a Task that failed.
        sfnStub.succeed("GetExecutionHistory", TASK_FAILED_HISTORY);
        sfnStub.proxyUnmatchedTo(AwsEmulator.endpoint());
        scheduler.createScheduleGroup(r -> r.name(group));
    }

    static RemediationSettings settings(int maxAttempts, int baseDelaySeconds, String schedulerRole, String group,
                                        int budget, boolean retryAll) {
        return RemediationSettings.builder().maxAttempts(maxAttempts).baseDelay(Duration.ofSeconds(baseDelaySeconds))
                .retryAll(retryAll).alarmTopicArn(TOPIC).schedulerRoleArn(schedulerRole).scheduleGroup(group)
                .retryBudget(budget).retryBudgetWindow(Duration.ofMinutes(10)).build();
    }

    /** Immediate retries (base delay 0), scheduler configured. */
    RemediationHandler immediateHandler(int budget) {
        return handler(settings(3, 0, SCHEDULER_ROLE, group, budget, false));
    }

    /** Delayed retries through EventBridge Scheduler, failed target calls kept in {@link #SCHEDULE_DLQ}. */
    RemediationHandler delayedHandler(int budget) {
        return handler(settings(3, 60, SCHEDULER_ROLE, group, budget, false).toBuilder()
                .scheduleDeadLetterArn(SCHEDULE_DLQ).build());
    }

    RemediationHandler handler(RemediationSettings settings) {
        return handler(settings, Duration.ofSeconds(1));
    }

    RemediationHandler handler(RemediationSettings settings, Duration deadlineReserve) {
        Clock clock = Clock.systemUTC();
        return new RemediationHandler(settings, new StepFunctionsGateway(sfnStub.clients().sfn()),
                RetryScheduler.of(scheduler, settings),
                new AlarmManager(cloudWatch.clients().cloudWatch(), settings.metricsNamespace(), settings.alarmTopicArn(), clock),
                clock, () -> 0.5, deadlineReserve);
    }

    String createStateMachine(String prefix, Map<String, String> tags) {
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return emulatorSfn.createStateMachine(r -> r.name(AwsEmulator.uniqueName(prefix)).definition(FAILING_DEFINITION)
                .roleArn("arn:aws:iam::123456789012:role/stepconnect-test").tags(tagList)).stateMachineArn();
    }

    String createOptedInStateMachine() {
        return createStateMachine("orders", Map.of(StateMachineSettings.AUTO_RETRY_TAG, "true"));
    }

    /** Runs the state machine to its failure in the emulator and returns the real execution. */
    DescribeExecutionResponse failedExecution(String stateMachineArn, String input) {
        String executionArn = emulatorSfn.startExecution(r -> r.stateMachineArn(stateMachineArn)
                .name(AwsEmulator.uniqueName("run")).input(input)).executionArn();
        DescribeExecutionResponse done = Eventually.await(Duration.ofSeconds(30),
                () -> emulatorSfn.describeExecution(r -> r.executionArn(executionArn)),
                d -> d.status() != ExecutionStatus.RUNNING);
        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        return done;
    }

    /** The EventBridge event AWS would emit for this execution, with the fields a test wants to vary. */
    static Map<String, Object> eventFor(DescribeExecutionResponse execution, String status, int redriveCount,
                                        String redriveStatus, boolean includeInput) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("executionArn", execution.executionArn());
        detail.put("stateMachineArn", execution.stateMachineArn());
        detail.put("name", execution.name());
        detail.put("status", status);
        detail.put("startDate", execution.startDate().toEpochMilli());
        detail.put("stopDate", execution.stopDate() == null ? null : execution.stopDate().toEpochMilli());
        detail.put("input", includeInput ? execution.input() : null);
        detail.put("inputDetails", Map.of("included", includeInput));
        detail.put("output", null);
        detail.put("error", execution.error());
        detail.put("cause", execution.cause());
        detail.put("redriveCount", redriveCount);
        detail.put("redriveDate", redriveCount > 0 ? 1764050000000L : null);
        detail.put("redriveStatus", redriveStatus);
        detail.put("redriveStatusReason", "Execution is RUNNING and cannot be redriven");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", java.util.UUID.randomUUID().toString());
        event.put("detail-type", "Step Functions Execution Status Change");
        event.put("source", "aws.states");
        event.put("account", "123456789012");
        event.put("time", "2026-11-25T06:00:00Z");
        event.put("region", "us-east-1");
        event.put("resources", List.of(execution.executionArn()));
        event.put("detail", detail);
        return event;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> withDetail(Map<String, Object> event, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(event);
        Map<String, Object> detail = new LinkedHashMap<>((Map<String, Object>) event.get("detail"));
        detail.put(key, value);
        copy.put("detail", detail);
        return copy;
    }

    static String sqsBatch(List<Map.Entry<String, String>> messageIdsAndBodies) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Map.Entry<String, String> message : messageIdsAndBodies) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", message.getKey());
            record.put("receiptHandle", "AQEB" + message.getKey());
            record.put("body", message.getValue());
            record.put("attributes", Map.of("ApproximateReceiveCount", "1"));
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", "00000000000000000000000000000000");
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:stepconnect-FailureEventsQueue");
            record.put("awsRegion", "us-east-1");
            records.add(record);
        }
        return Json.write(Map.of("Records", records));
    }

    static JsonObject invoke(RemediationHandler handler, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, new TestContext());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parseObject(out.toString(StandardCharsets.UTF_8));
    }

    static List<String> itemFailures(JsonObject response) {
        return response.objects("batchItemFailures").stream().map(f -> f.requiredString("itemIdentifier")).toList();
    }

    /** Executions of the state machine that are retries started by StepConnect. */
    List<ExecutionListItem> retryExecutions(String stateMachineArn) {
        return emulatorSfn.listExecutions(r -> r.stateMachineArn(stateMachineArn)).executions().stream()
                .filter(e -> e.name().contains("--retry")).toList();
    }

    List<ScheduleSummary> schedules() {
        List<ScheduleSummary> all = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            var response = scheduler.listSchedules(r -> r.groupName(group).nextToken(page));
            all.addAll(response.schedules());
            token = response.nextToken();
        } while (token != null && !token.isEmpty());
        return all;
    }

    /** Structured log lines with the given message, parsed. */
    static List<JsonObject> logs(List<String> lines, String message) {
        return lines.stream().filter(l -> l.startsWith("{") && !l.contains("\"_aws\"")).map(Json::parseObject)
                .filter(l -> message.equals(l.raw("message"))).toList();
    }

    /** Structured log lines of one component at one level, parsed. */
    static List<JsonObject> logs(List<String> lines, String component, String level) {
        return lines.stream().filter(l -> l.startsWith("{") && !l.contains("\"_aws\"")).map(Json::parseObject)
                .filter(l -> component.equals(l.raw("component")) && level.equals(l.raw("level"))).toList();
    }

    /** EMF documents among printed lines, parsed. */
    static List<JsonObject> emf(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("{") && l.contains("\"_aws\"")).map(Json::parseObject).toList();
    }

    /** Sum of a metric over EMF documents whose dimension set is exactly {@code dimensions}. */
    @SuppressWarnings("unchecked")
    static double sum(List<JsonObject> documents, String metric, Map<String, String> dimensions) {
        double total = 0;
        for (JsonObject doc : documents) {
            Map<String, Object> aws = (Map<String, Object>) doc.raw("_aws");
            Map<String, Object> directive = ((List<Map<String, Object>>) aws.get("CloudWatchMetrics")).get(0);
            List<String> dimensionSet = ((List<List<String>>) directive.get("Dimensions")).get(0);
            boolean declared = ((List<Map<String, Object>>) directive.get("Metrics")).stream()
                    .anyMatch(m -> metric.equals(m.get("Name")));
            if (!declared || !new java.util.HashSet<>(dimensionSet).equals(dimensions.keySet())) {
                continue;
            }
            if (dimensions.entrySet().stream().allMatch(e -> e.getValue().equals(doc.raw(e.getKey())))) {
                total += ((Number) doc.raw(metric)).doubleValue();
            }
        }
        return total;
    }

    static String machineName(String stateMachineArn) {
        return stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        sfnStub.close();
        cloudWatch.close();
        emulatorSfn.close();
        scheduler.close();
    }
}
