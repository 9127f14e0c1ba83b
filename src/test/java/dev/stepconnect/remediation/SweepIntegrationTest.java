package dev.stepconnect.remediation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * RemediationSweepFunction's handler, built with real SDK clients: Step Functions through the WireMock
 * stub (RedriveExecution, and ListExecutions' redriveFilter, which moto ignores, answered AWS-shaped
 * where a test needs them; everything else forwarded to the emulator), EventBridge Scheduler on the
 * emulator. Failed executions are real ones, run to FAILED in the emulator.
 */
@ExtendWith(AwsEmulator.class)
class SweepIntegrationTest {
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    /** Retries at once (no scheduler role), 2 attempts: a restarted retry that fails again is not retried. */
    private RemediationSettings immediate(int budget) {
        return RemediationFixture.settings(2, 0, null, fixture.group, budget, false);
    }

    /** Delayed retries through the scheduler (base delay 0: the sweep's own spacing decides the time). */
    private RemediationSettings delayed() {
        return RemediationFixture.settings(3, 0, RemediationFixture.SCHEDULER_ROLE, fixture.group, 20, false);
    }

    private SweepHandler sweep(RemediationSettings settings, int maxExecutions) {
        return new SweepHandler(settings, new SweepSettings(Duration.ofHours(24), maxExecutions),
                fixture.sfnStub.clients().sfn(), fixture.scheduler, Clock.systemUTC(), () -> 0.5, Duration.ofSeconds(1));
    }

    private static JsonObject run(SweepHandler handler, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out,
                    new TestContext(Duration.ofMinutes(5)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parseObject(out.toString(StandardCharsets.UTF_8));
    }

    private static String onDemand(String machine, String extraFields) {
        return "{\"stateMachineArn\":\"" + machine + "\"" + extraFields + "}";
    }

    private static long outcome(JsonObject report, String name) {
        return report.requiredObject("outcomes").number(name).orElseThrow();
    }

    /** The account as ListStateMachines shows it: only this test's state machines (the emulator is shared). */
    private void accountHolds(String... machines) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (String arn : machines) {
            items.add(Map.of("stateMachineArn", arn, "name", machineName(arn), "type", "STANDARD",
                    "creationDate", 1764050000.0));
        }
        fixture.sfnStub.succeed("ListStateMachines", Json.write(Map.of("stateMachines", items)));
    }

    private static JsonObject summaryLine(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("{") && l.contains("\"sweep run finished\""))
                .map(Json::parseObject).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aFailureWhoseEventWasNeverDeliveredIsRetriedOnceAndASecondSweepRetriesNothing() {
        String machine = fixture.createOptedInStateMachine();
        String notOptedIn = fixture.createStateMachine("reports", Map.of());
        DescribeExecutionResponse lost = fixture.failedExecution(machine, "{\"order\":1}");
        fixture.failedExecution(notOptedIn, "{\"report\":1}");
        accountHolds(machine, notOptedIn);

        JsonObject first;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            first = run(sweep(immediate(20), 500), "{\"sweep\":\"scheduled\"}");
            lines = output.lines();
        }

        assertThat(first.raw("scheduled")).isEqualTo(true);
        assertThat(first.number("stateMachines")).contains(1L);
        assertThat(first.number("found")).contains(1L);
        assertThat(outcome(first, "retried")).isEqualTo(1);
        assertThat(first.raw("complete")).isEqualTo(true);
        List<ExecutionListItem> retries = fixture.retryExecutions(machine);
        assertThat(retries).hasSize(1);
        assertThat(retries.get(0).name()).startsWith(lost.name() + "--retry2-");
        assertThat(Json.parseObject(fixture.emulatorSfn.describeExecution(r -> r.executionArn(retries.get(0).executionArn()))
                .input()).asMap()).isEqualTo(Map.of("order", 1));
        assertThat(fixture.retryExecutions(notOptedIn)).isEmpty();
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).isEmpty();

        String name = machineName(machine);
        List<JsonObject> metrics = emf(lines);
        assertThat(sum(metrics, SweepService.EXECUTIONS_FOUND, Map.of("StateMachine", name))).isEqualTo(1.0);
        assertThat(sum(metrics, SweepService.RETRIES, Map.of("StateMachine", name))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "Throttling"))).isEqualTo(1.0);
        // The event path counts failures; a sweep that finds one again must not count it twice.
        assertThat(sum(metrics, "Failures", Map.of("StateMachine", name))).isZero();
        JsonObject summary = summaryLine(lines);
        assertThat(summary.number("retried")).contains(1L);
        assertThat(summary.number("examined")).contains(1L);
        assertThat(summary.raw("complete")).isEqualTo(true);
        assertThat(String.join("\n", lines)).doesNotContain("\\\"order\\\"").doesNotContain("\"order\"");

        // A new container (nothing remembered): the restart is recognised by its deterministic name.
        int startsBefore = fixture.sfnStub.requests("StartExecution").size();
        JsonObject second = run(sweep(immediate(20), 500), "{\"sweep\":\"scheduled\"}");

        assertThat(outcome(second, "retried")).isZero();
        assertThat(outcome(second, "scheduled")).isZero();
        assertThat(outcome(second, "alreadyRetried")).isGreaterThanOrEqualTo(1);
        assertThat(second.number("examined")).contains(0L);
        assertThat(fixture.sfnStub.requests("StartExecution")).hasSize(startsBefore);
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }

    @Test
    void aFailureTheEventPathAlreadyRetriedIsNotRetriedAgain() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":2}");
        JsonObject handled = RemediationFixture.invoke(fixture.handler(immediate(20)),
                Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true)));
        assertThat(handled.string("outcome")).contains("RETRY_STARTED");
        int starts = fixture.sfnStub.requests("StartExecution").size();

        JsonObject report = run(sweep(immediate(20), 500), onDemand(machine, ""));

        assertThat(outcome(report, "retried")).isZero();
        assertThat(outcome(report, "alreadyRetried")).isGreaterThanOrEqualTo(1);
        assertThat(report.number("examined")).contains(0L);
        assertThat(fixture.sfnStub.requests("StartExecution")).hasSize(starts);
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }

    @Test
    void aFailureSkippedForBudgetIsRetriedByALaterSweep() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse first = fixture.failedExecution(machine, "{\"order\":1}");
        DescribeExecutionResponse second = fixture.failedExecution(machine, "{\"order\":2}");
        RemediationHandler eventPath = fixture.handler(immediate(1));
        assertThat(RemediationFixture.invoke(eventPath, Json.write(eventFor(first, "FAILED", 0, "NOT_REDRIVABLE", true)))
                .string("outcome")).contains("RETRY_STARTED");
        JsonObject skipped = RemediationFixture.invoke(eventPath, Json.write(eventFor(second, "FAILED", 0, "NOT_REDRIVABLE", true)));
        assertThat(skipped.string("skipReason")).contains("Budget");
        accountHolds(machine);

        // The sweep runs later, in its own container with its own bucket: the same budget of 1 lets it retry one.
        JsonObject report = run(sweep(immediate(1), 500), "{\"sweep\":\"scheduled\"}");

        assertThat(outcome(report, "retried")).isEqualTo(1);
        assertThat(fixture.retryExecutions(machine)).extracting(ExecutionListItem::name)
                .hasSize(2)
                .anySatisfy(n -> assertThat(n).startsWith(first.name() + "--retry2-"))
                .anySatisfy(n -> assertThat(n).startsWith(second.name() + "--retry2-"));
    }

    @Test
    void sweepRetriesAreDelayedSchedulesSpreadOverTheBudgetWindowAndAreNotScheduledTwice() {
        String machine = fixture.createOptedInStateMachine();
        for (int i = 0; i < 3; i++) {
            fixture.failedExecution(machine, "{\"order\":" + i + "}");
        }
        accountHolds(machine);
        Instant before = Instant.now();

        JsonObject report = run(sweep(delayed(), 500), "{\"sweep\":\"scheduled\"}");

        assertThat(outcome(report, "scheduled")).isEqualTo(3);
        List<ScheduleSummary> schedules = fixture.schedules();
        assertThat(schedules).hasSize(3);
        List<Instant> times = new ArrayList<>();
        for (ScheduleSummary summary : schedules) {
            GetScheduleResponse schedule = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group).name(summary.name()));
            assertThat(schedule.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:sfn:startExecution");
            String at = schedule.scheduleExpression().replaceAll("^at\\((.*)\\)$", "$1");
            times.add(java.time.LocalDateTime.parse(at).toInstant(java.time.ZoneOffset.UTC));
        }
        // Budget 20 per 600 s: one slot every 30 s, the first one slot from now.
        times.sort(null);
        assertThat(Duration.between(times.get(0), times.get(1)).toSeconds()).isBetween(29L, 31L);
        assertThat(Duration.between(times.get(1), times.get(2)).toSeconds()).isBetween(29L, 31L);
        assertThat(times.get(0)).isAfter(before.plusSeconds(28));
        assertThat(fixture.retryExecutions(machine)).isEmpty();

        JsonObject again = run(sweep(delayed(), 500), "{\"sweep\":\"scheduled\"}");

        assertThat(outcome(again, "scheduled")).isZero();
        assertThat(outcome(again, "alreadyRetried")).isEqualTo(3);
        assertThat(again.number("examined")).contains(0L);
        assertThat(fixture.schedules()).hasSize(3);
    }

    @Test
    void aDryRunDecidesEverythingAndChangesNothing() {
        String machine = fixture.createStateMachine("orders", Map.of());
        fixture.failedExecution(machine, "{\"order\":1}");
        fixture.failedExecution(machine, "{\"order\":2}");

        JsonObject dry;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            dry = run(sweep(delayed(), 500), onDemand(machine, ",\"dryRun\":true"));
            lines = output.lines();
        }

        assertThat(dry.raw("dryRun")).isEqualTo(true);
        assertThat(outcome(dry, "scheduled")).isEqualTo(2);
        assertThat(dry.objects("executions")).extracting(e -> e.string("outcome").orElse(null)).containsOnly("scheduled");
        assertThat(fixture.schedules()).isEmpty();
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.cloudWatch.putMetricAlarmRequests()).isEmpty();
        assertThat(emf(lines)).isEmpty();

        // The same filter for real (an on-demand run may target a state machine that is not opted in).
        JsonObject real = run(sweep(delayed(), 500), onDemand(machine, ""));

        assertThat(outcome(real, "scheduled")).isEqualTo(2);
        assertThat(fixture.schedules()).hasSize(2);
    }

    @Test
    void aRunStopsAtItsBoundSaysWhatItLeftAndTheNextRunFinishes() {
        String machine = fixture.createOptedInStateMachine();
        for (int i = 0; i < 3; i++) {
            fixture.failedExecution(machine, "{\"order\":" + i + "}");
        }

        JsonObject first = run(sweep(immediate(20), 2), onDemand(machine, ""));

        assertThat(first.number("examined")).contains(2L);
        assertThat(outcome(first, "retried")).isEqualTo(2);
        assertThat(outcome(first, "leftForNextRun")).isEqualTo(1);
        assertThat(first.raw("complete")).isEqualTo(false);
        assertThat(first.string("stoppedBy")).contains("maxExecutions");
        assertThat(fixture.retryExecutions(machine)).hasSize(2);

        JsonObject second = run(sweep(immediate(20), 2), onDemand(machine, ""));

        assertThat(outcome(second, "retried")).isEqualTo(1);
        assertThat(outcome(second, "leftForNextRun")).isZero();
        assertThat(second.raw("complete")).isEqualTo(true);
        assertThat(fixture.retryExecutions(machine)).hasSize(3);

        JsonObject third = run(sweep(immediate(20), 2), onDemand(machine, ""));
        assertThat(outcome(third, "retried")).isZero();
        assertThat(fixture.retryExecutions(machine)).hasSize(3);
    }

    @Test
    void aRunThatReachesTheLambdaDeadlineStopsAndLeavesTheRestForTheNextRun() {
        String machine = fixture.createOptedInStateMachine();
        fixture.failedExecution(machine, "{\"order\":1}");
        fixture.failedExecution(machine, "{\"order\":2}");
        SweepHandler handler = sweep(immediate(20), 500);

        // Less time left than the handler's reserve: the deadline has passed before the first decision.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(onDemand(machine, "").getBytes(StandardCharsets.UTF_8)), out,
                    new TestContext(Duration.ofMillis(500)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonObject report = Json.parseObject(out.toString(StandardCharsets.UTF_8));

        assertThat(report.string("stoppedBy")).contains("deadline");
        assertThat(report.raw("complete")).isEqualTo(false);
        assertThat(outcome(report, "leftForNextRun")).isEqualTo(2);
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        assertThat(outcome(run(handler, onDemand(machine, "")), "retried")).isEqualTo(2);
    }

    @Test
    void maxRetriesCapsAnOnDemandRun() {
        String machine = fixture.createOptedInStateMachine();
        for (int i = 0; i < 3; i++) {
            fixture.failedExecution(machine, "{\"order\":" + i + "}");
        }

        JsonObject report = run(sweep(immediate(20), 500), onDemand(machine, ",\"maxRetries\":1"));

        assertThat(outcome(report, "retried")).isEqualTo(1);
        assertThat(outcome(report, "leftForNextRun")).isEqualTo(2);
        assertThat(report.string("stoppedBy")).contains("maxRetries");
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }

    @Test
    void anOnDemandFilterSelectsByErrorAndStopDateAndReadsOnlyAsFarAsTheWindow() {
        String machine = fixture.createStateMachine("partner", Map.of());
        Instant now = Instant.now();
        String a = execution(machine, "a");
        String b = execution(machine, "b");
        String c = execution(machine, "c");
        String d = execution(machine, "d");
        String e = execution(machine, "e");
        String redriven = execution(machine, "redriven");
        // NOT_REDRIVEN, newest start first, two pages; d started before the window's listing boundary.
        listExecutions("NOT_REDRIVEN", null, List.of(item(a, now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(2)), 0),
                item(b, now.minus(Duration.ofHours(4)), now.minus(Duration.ofHours(3)), 0),
                item(c, now.minus(Duration.ofHours(31)), now.minus(Duration.ofHours(30)), 0)), "page-2");
        listExecutions("NOT_REDRIVEN", "page-2", List.of(item(d, now.minus(Duration.ofDays(3)), now.minus(Duration.ofHours(1)), 0),
                item(e, now.minus(Duration.ofDays(4)), now.minus(Duration.ofHours(1)), 0)), "page-3");
        // Redriven 5 days after it started, failed again an hour ago: a failure too, attempt 2.
        listExecutions("REDRIVEN", null, List.of(item(redriven, now.minus(Duration.ofDays(5)), now.minus(Duration.ofHours(1)), 1)), null);
        describe(a, machine, "States.TaskFailed", "{\"Error\":\"States.Http.StatusCode.503\",\"Cause\":\"busy\"}", 0);
        describe(b, machine, "States.Http.StatusCode.400", "bad request", 0);
        describe(redriven, machine, "States.Http.StatusCode.503", "unavailable", 1);
        fixture.sfnStub.fail("DescribeExecution", 400, "ExecutionDoesNotExist", "Execution Does Not Exist");

        String since = now.minus(Duration.ofHours(24)).toString();
        JsonObject report = run(sweep(delayed(), 500), onDemand(machine, ",\"since\":\"" + since + "\","
                + "\"errors\":[\"States.Http.StatusCode.503\"],\"statuses\":[\"FAILED\"]"));

        assertThat(report.number("found")).contains(3L);
        assertThat(outcome(report, "scheduled")).isEqualTo(2);
        assertThat(outcome(report, "notMatched")).isEqualTo(1);
        Map<String, String> outcomes = new LinkedHashMap<>();
        report.objects("executions").forEach(x -> outcomes.put(x.requiredString("executionArn"), x.requiredString("outcome")));
        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(a, "scheduled", b, "notMatched", redriven, "scheduled"));
        // Lazy paging: the boundary on page 2 ends the listing; page 3 is never asked for, d and e never described.
        assertThat(bodies("ListExecutions")).noneMatch(body -> body.contains("page-3"));
        assertThat(bodies("DescribeExecution")).noneMatch(body -> body.contains(d) || body.contains(e) || body.contains(c));

        FailureEvent redrivenFailure = FailureEvent.builder(redriven, machine, "redriven", "FAILED")
                .redriveCount(1).redriveStatus(RedriveStatus.REDRIVABLE).build();
        GetScheduleResponse schedule = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(RetryNames.scheduleName(redrivenFailure)));
        assertThat(schedule.target().arn()).isEqualTo("arn:aws:scheduler:::aws-sdk:sfn:redriveExecution");
        assertThat(Json.parseObject(schedule.target().input()).string("ClientToken"))
                .contains(RetryNames.redriveClientToken(redrivenFailure));
        assertThat(fixture.schedules()).hasSize(2);
    }

    @Test
    void badFiltersFailAtOnceNamingTheFieldAndNothingIsCalled() {
        String machine = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
        SweepHandler handler = sweep(immediate(20), 500);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(onDemand(machine, ",\"redrive\":true"), "'redrive'");
        cases.put(onDemand("arn:aws:states:us-east-1:123456789012:stateMachine:orders:live", ""), "'stateMachineArn'");
        cases.put(onDemand(machine, ",\"since\":\"" + Instant.now().minus(Duration.ofDays(15)) + "\""), "'since'");
        cases.put(onDemand(machine, ",\"since\":\"2026-11-20T10:00:00Z\",\"until\":\"2026-11-20T09:00:00Z\""), "'since'");
        cases.put(onDemand(machine, ",\"errors\":[\"States.Http. 503\"]"), "'errors'");
        cases.put("[1,2]", "JSON object");
        cases.put("not json", "JSON object");
        // Strict input (#10.6): trailing content after a valid filter is a malformed payload, not a filter.
        cases.put(onDemand(machine, "") + "}}garbage", "JSON object");
        cases.put("{\"sweep\":\"scheduled\"} {\"sweep\":\"scheduled\"}", "JSON object");

        for (Map.Entry<String, String> bad : cases.entrySet()) {
            assertThatThrownBy(() -> run(handler, bad.getKey())).as(bad.getKey())
                    .isInstanceOf(InvalidSweepFilterException.class).hasMessageContaining(bad.getValue());
        }
        assertThat(fixture.sfnStub.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void aScheduledRunThatCouldNotDecideFailsAndSaysWhyWithoutTheInput() {
        String machine = fixture.createOptedInStateMachine();
        fixture.failedExecution(machine, "{\"card\":\"4111111111111111\"}");
        accountHolds(machine);
        fixture.sfnStub.fail("DescribeExecution", 400, "AccessDeniedException", "not authorized on {\"card\":\"4111111111111111\"}");

        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThatThrownBy(() -> run(sweep(immediate(20), 500), "{\"sweep\":\"scheduled\"}"))
                    .isInstanceOf(SweepFailedException.class);
            lines = output.lines();
        }

        assertThat(summaryLine(lines).number("failed")).contains(1L);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"awsErrorCode\":\"AccessDeniedException\""));
        assertThat(String.join("\n", lines)).doesNotContain("4111111111111111");
        assertThat(fixture.retryExecutions(machine)).isEmpty();
    }

    @Test
    void throttledListingsAreRetriedAndAnExecutionListedTwiceIsDecidedOnce() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":5}");
        // Throttled twice, then every listing (redriven or not: an endpoint that ignores the filter) shows it.
        Map<String, Object> listed = item(failed.executionArn(), failed.startDate(), failed.stopDate(), 0);
        fixture.sfnStub.failThenSucceed("ListExecutions", 2, 400, "ThrottlingException",
                Json.write(Map.of("executions", List.of(listed))));

        JsonObject report = run(sweep(immediate(20), 500), onDemand(machine, ""));

        assertThat(report.number("found")).contains(1L);
        assertThat(outcome(report, "retried")).isEqualTo(1);
        assertThat(outcome(report, "failed")).isZero();
        assertThat(fixture.sfnStub.requests("ListExecutions").size()).isGreaterThanOrEqualTo(3);
        assertThat(fixture.retryExecutions(machine)).hasSize(1);
    }

    @Test
    void anOnDemandRunForAStateMachineThatCannotBeListedAnswersWithTheFailure() {
        String missing = "arn:aws:states:us-east-1:123456789012:stateMachine:" + AwsEmulator.uniqueName("gone");

        JsonObject report = run(sweep(immediate(20), 500), onDemand(missing, ""));

        assertThat(outcome(report, "failed")).isEqualTo(1);
        assertThat(report.objects("executions")).singleElement().satisfies(item -> {
            assertThat(item.string("stateMachineArn")).contains(missing);
            assertThat(item.string("reason")).contains("ListExecutions");
        });
    }

    @Test
    void aSweepRetryOfACatchFailFailureStartsANewExecutionAndCountsItUnderModeRestart() {
        String machine = fixture.createOptedInStateMachine();
        Instant now = Instant.now();
        String caught = execution(machine, "caught");
        listExecutions("NOT_REDRIVEN", null, List.of(item(caught, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), 0)), null);
        listExecutions("REDRIVEN", null, List.of(), null);
        describe(caught, machine, "States.Http.StatusCode.503", "unavailable", 0);
        // AWS's record: redrivable, but it ended in a Fail state (Catch -> Fail): a redrive would call nothing.
        fixture.sfnStub.succeed("GetExecutionHistory", RemediationFixture.FAIL_STATE_HISTORY);

        JsonObject report;
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            report = run(sweep(immediate(20), 500), onDemand(machine, ",\"statuses\":[\"FAILED\"]"));
            lines = output.lines();
        }

        assertThat(outcome(report, "retried")).isEqualTo(1);
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("GetExecutionHistory")).hasSize(1);
        List<ExecutionListItem> restarts = fixture.retryExecutions(machine);
        assertThat(restarts).singleElement().satisfies(r -> assertThat(r.name()).startsWith("caught--retry2-"));
        String name = machineName(machine);
        List<JsonObject> metrics = emf(lines);
        // The event path's retry metrics, with the Mode dimension set issue #11 added: a sweep retry counts too.
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "ServiceError",
                "Mode", "restart"))).isEqualTo(1.0);
        assertThat(sum(metrics, "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "ServiceError"))).isEqualTo(1.0);
    }

    @Test
    void anOnDemandRunForAnExpressStateMachineIsRefusedNamingTheField() {
        String machine = "arn:aws:states:us-east-1:123456789012:stateMachine:" + AwsEmulator.uniqueName("express");
        fixture.sfnStub.fail("ListExecutions", 400, "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine");

        assertThatThrownBy(() -> run(sweep(immediate(20), 500), onDemand(machine, "")))
                .isInstanceOf(InvalidSweepFilterException.class)
                .hasMessageContaining("'stateMachineArn'").hasMessageContaining("Express");
        assertThat(fixture.sfnStub.requests("DescribeExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
    }

    @Test
    void aScheduledRunIgnoresExpressStateMachinesAndDoesNotFailOnThem() {
        String standard = fixture.createOptedInStateMachine();
        String express = "arn:aws:states:us-east-1:123456789012:stateMachine:" + AwsEmulator.uniqueName("express");
        String untyped = "arn:aws:states:us-east-1:123456789012:stateMachine:" + AwsEmulator.uniqueName("untyped");
        List<Map<String, Object>> items = new ArrayList<>();
        items.add(Map.of("stateMachineArn", standard, "name", machineName(standard), "type", "STANDARD", "creationDate", 1764050000.0));
        items.add(Map.of("stateMachineArn", express, "name", machineName(express), "type", "EXPRESS", "creationDate", 1764050000.0));
        // An endpoint that leaves the type out: ListExecutions then tells (StateMachineTypeNotSupported).
        items.add(Map.of("stateMachineArn", untyped, "name", machineName(untyped), "creationDate", 1764050000.0));
        fixture.sfnStub.succeed("ListStateMachines", Json.write(Map.of("stateMachines", items)));
        fixture.sfnStub.succeed("ListTagsForResource", "{\"tags\":[{\"key\":\"stepconnect:auto-retry\",\"value\":\"true\"}]}");
        fixture.sfnStub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.ListExecutions"))
                .withRequestBody(matchingJsonPath("$.stateMachineArn", equalTo(untyped)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"StateMachineTypeNotSupported\",\"message\":\"not supported\"}")));

        JsonObject report = run(sweep(immediate(20), 500), "{\"sweep\":\"scheduled\"}");

        assertThat(outcome(report, "failed")).isZero();
        assertThat(bodies("ListExecutions")).noneMatch(body -> body.contains(express));
        assertThat(bodies("ListExecutions")).anyMatch(body -> body.contains(standard));
    }

    @Test
    void aFailureWhoseAliasBelongsToAnotherStateMachineIsRefusedOnceAndNotReExaminedByTheNextRun() {
        String machine = fixture.createOptedInStateMachine();
        Instant now = Instant.now();
        String failed = execution(machine, "foreign-alias");
        listExecutions("NOT_REDRIVEN", null, List.of(item(failed, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)), 0)), null);
        listExecutions("REDRIVEN", null, List.of(), null);
        describe(failed, machine, "States.Http.StatusCode.503", "unavailable", 0,
                Map.of("stateMachineAliasArn", "arn:aws:states:us-east-1:123456789012:stateMachine:team-b:live"));
        SweepHandler handler = sweep(immediate(20), 500);

        JsonObject first;
        JsonObject second;
        int describedAfterFirst;
        List<String> firstLines;
        List<String> secondLines;
        try (CapturedOutput output = CapturedOutput.start()) {
            first = run(handler, onDemand(machine, ""));
            firstLines = output.lines();
        }
        describedAfterFirst = describesOf(failed);
        try (CapturedOutput output = CapturedOutput.start()) {
            second = run(handler, onDemand(machine, ""));
            secondLines = output.lines();
        }

        assertThat(first.requiredObject("outcomes").requiredObject("skippedByReason").number("TargetRefused")).contains(1L);
        assertThat(second.requiredObject("outcomes").requiredObject("skippedByReason").number("TargetRefused")).contains(1L);
        // SweepSkipped {StateMachine, Reason}: counted by every run that sees the skip (docs/remediation.md).
        Map<String, String> skippedDimensions = Map.of("StateMachine", machineName(machine), "Reason", "TargetRefused");
        assertThat(sum(emf(firstLines), SweepService.SKIPPED, skippedDimensions)).isEqualTo(1.0);
        assertThat(sum(emf(secondLines), SweepService.SKIPPED, skippedDimensions)).isEqualTo(1.0);
        assertThat(sum(emf(firstLines), SweepService.RETRIES, Map.of("StateMachine", machineName(machine)))).isZero();
        // AWS's record does not change: the second run settles it from memory, without spending its bound.
        assertThat(second.number("examined")).contains(0L);
        assertThat(describesOf(failed)).isEqualTo(describedAfterFirst);
        assertThat(fixture.sfnStub.requests("StartExecution")).isEmpty();
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
    }

    private int describesOf(String executionArn) {
        return (int) bodies("DescribeExecution").stream().filter(b -> b.contains("\"" + executionArn + "\"")).count();
    }

    private static String execution(String machine, String name) {
        return machine.replace(":stateMachine:", ":execution:") + ":" + name;
    }

    private static Map<String, Object> item(String arn, Instant start, Instant stop, int redriveCount) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("executionArn", arn);
        item.put("stateMachineArn", arn.substring(0, arn.lastIndexOf(':')).replace(":execution:", ":stateMachine:"));
        item.put("name", arn.substring(arn.lastIndexOf(':') + 1));
        item.put("status", "FAILED");
        item.put("startDate", start.toEpochMilli() / 1000.0);
        item.put("stopDate", stop.toEpochMilli() / 1000.0);
        item.put("redriveCount", redriveCount);
        return item;
    }

    private void listExecutions(String redriveFilter, String token, List<Map<String, Object>> items, String nextToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executions", items);
        if (nextToken != null) {
            body.put("nextToken", nextToken);
        }
        var request = post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.ListExecutions"))
                .withRequestBody(matchingJsonPath("$.redriveFilter", equalTo(redriveFilter)));
        request = token == null ? request.withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("nextToken"))
                : request.withRequestBody(matchingJsonPath("$.nextToken", equalTo(token)));
        fixture.sfnStub.server().stubFor(request.willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", AwsJsonStub.JSON_1_0).withBody(Json.write(body))));
    }

    private void describe(String arn, String machine, String error, String cause, int redriveCount) {
        describe(arn, machine, error, cause, redriveCount, Map.of());
    }

    private void describe(String arn, String machine, String error, String cause, int redriveCount,
                          Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("executionArn", arn);
        body.put("stateMachineArn", machine);
        body.put("name", arn.substring(arn.lastIndexOf(':') + 1));
        body.put("status", "FAILED");
        body.put("startDate", 1764050000.0);
        body.put("stopDate", 1764050060.0);
        body.put("input", "{\"order\":9}");
        body.put("inputDetails", Map.of("included", true));
        body.put("error", error);
        body.put("cause", cause);
        body.put("redriveCount", redriveCount);
        body.put("redriveStatus", "REDRIVABLE");
        body.putAll(extra);
        fixture.sfnStub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.DescribeExecution"))
                .withRequestBody(matchingJsonPath("$.executionArn", equalTo(arn)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody(Json.write(body))));
    }

    private List<String> bodies(String operation) {
        return fixture.sfnStub.requests(operation).stream().map(r -> r.getBodyAsString()).toList();
    }
}
