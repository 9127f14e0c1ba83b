package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.emf;
import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static dev.stepconnect.remediation.RemediationFixture.sum;
import static dev.stepconnect.remediation.RemediationFixture.withDetail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** The HTTP Task's connection errors through the real handler: busy is retried, unusable only later, misconfigured never. */
@ExtendWith(AwsEmulator.class)
class RemediationConnectionErrorTest {
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    private Map<String, Object> failure(String machine, String error) {
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":41}");
        return withDetail(eventFor(failed, "FAILED", 0, "REDRIVABLE", true), "error", error);
    }

    @Test
    void unusableConnectionIsScheduledNoSoonerThanTheConnectionDelay() {
        String machine = fixture.createOptedInStateMachine();
        Map<String, Object> event = failure(machine, "Events.ConnectionResource.InvalidConnectionState");
        Instant before = Instant.now();

        JsonObject response = invoke(fixture.delayedHandler(20), Json.write(event));

        assertThat(response.string("outcome")).contains("RETRY_SCHEDULED");
        assertThat(response.string("errorClass")).contains("ConnectionUnusable");
        GetScheduleResponse schedule = fixture.scheduler.getSchedule(r -> r.groupName(fixture.group)
                .name(RetryNames.scheduleName(FailureEvent.parse(Json.write(event)))));
        String at = schedule.scheduleExpression().substring(3, schedule.scheduleExpression().length() - 1);
        Instant due = LocalDateTime.parse(at).toInstant(ZoneOffset.UTC);
        assertThat(due).isAfterOrEqualTo(before.plusSeconds(900).minusSeconds(1));
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
    }

    @Test
    void unusableConnectionWithoutSchedulerRoleIsSkipped() {
        String machine = fixture.createOptedInStateMachine();
        RemediationHandler noScheduler = fixture.handler(RemediationFixture.settings(3, 0, null, fixture.group, 20, false));
        List<String> lines;
        JsonObject response;
        try (CapturedOutput output = CapturedOutput.start()) {
            response = invoke(noScheduler, Json.write(failure(machine, "Events.ConnectionResource.InvalidPrivateConnectionState")));
            lines = output.lines();
        }
        assertThat(response.string("skipReason")).contains("ConnectionUnusable");
        assertThat(fixture.sfnStub.requests("RedriveExecution")).isEmpty();
        assertThat(fixture.retryExecutions(machine)).isEmpty();
        assertThat(sum(emf(lines), "RetriesSkipped", Map.of("StateMachine", machineName(machine), "Reason",
                "ConnectionUnusable"))).isEqualTo(1.0);
    }

    @Test
    void busyConnectionIsRetriedAndMisconfiguredIsNot() {
        String machine = fixture.createOptedInStateMachine();
        RemediationHandler handler = fixture.immediateHandler(20);
        List<String> lines;
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(invoke(handler, Json.write(failure(machine, "Events.ConnectionResource.ConcurrentModification")))
                    .string("outcome")).contains("RETRY_STARTED");
            JsonObject misconfigured = invoke(handler, Json.write(failure(machine, "Events.ConnectionResource.AccessDenied")));
            assertThat(misconfigured.string("skipReason")).contains("NotRetryable");
            lines = output.lines();
        }
        String name = machineName(machine);
        assertThat(sum(emf(lines), "RetriesStarted", Map.of("StateMachine", name, "ErrorClass", "ConnectionBusy"))).isEqualTo(1.0);
        assertThat(sum(emf(lines), "Failures", Map.of("StateMachine", name, "ErrorClass", "ConnectionMisconfigured"))).isEqualTo(1.0);
        assertThat(fixture.sfnStub.requests("RedriveExecution")).hasSize(1);
    }
}
