package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.machineName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.config.ConfigurationException;
import dev.stepconnect.config.Environment;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.CapturedOutput;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** The production constructor path: settings from environment variables, clients from the factory. */
@ExtendWith(AwsEmulator.class)
class RemediationWiringTest {

    @Test
    void settingsFromEnvironmentWithDefaults() {
        RemediationSettings defaults = RemediationSettings.from(new Environment(Map.of()));
        assertThat(defaults.maxAttempts()).isEqualTo(3);
        assertThat(defaults.baseDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.maxDelay()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(defaults.retryAll()).isFalse();
        assertThat(defaults.scheduleGroup()).isEqualTo("default");
        assertThat(defaults.schedulerConfigured()).isFalse();
        assertThat(defaults.alarmTopicArn()).isNull();
        assertThat(defaults.metricsNamespace()).isEqualTo("StepConnect");

        RemediationSettings custom = RemediationSettings.from(new Environment(Map.of(
                "STEPCONNECT_RETRYABLE_ERRORS", "Partner.Busy, Partner.Later",
                "STEPCONNECT_NON_RETRYABLE_ERRORS", "States.Timeout",
                "STEPCONNECT_RETRY_BUDGET", "7", "STEPCONNECT_SCHEDULER_ROLE_ARN", "arn:aws:iam::1:role/r")));
        assertThat(custom.retryableErrors()).containsExactly("Partner.Busy", "Partner.Later");
        assertThat(custom.nonRetryableErrors()).containsExactly("States.Timeout");
        assertThat(custom.retryBudget()).isEqualTo(7);
        assertThat(custom.schedulerConfigured()).isTrue();
    }

    @Test
    void invalidSettingsNameTheVariable() {
        assertThatThrownBy(() -> RemediationSettings.from(new Environment(Map.of("STEPCONNECT_MAX_ATTEMPTS", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("STEPCONNECT_MAX_ATTEMPTS");
        assertThatThrownBy(() -> RemediationSettings.from(new Environment(Map.of("STEPCONNECT_BASE_DELAY_SECONDS", "600",
                "STEPCONNECT_MAX_DELAY_SECONDS", "60"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("STEPCONNECT_MAX_DELAY_SECONDS");
        assertThatThrownBy(() -> RemediationSettings.from(new Environment(Map.of("STEPCONNECT_RETRY_ALL", "yes"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("STEPCONNECT_RETRY_ALL");
    }

    @Test
    void productionWiringRetriesImmediatelyWithoutSchedulerRole() {
        try (RemediationFixture fixture = new RemediationFixture()) {
            String machine = fixture.createStateMachine("retry-all", Map.of());
            DescribeExecutionResponse failed = fixture.failedExecution(machine, "{\"order\":5}");
            JsonObject response;
            List<String> printed;
            try (CapturedOutput output = CapturedOutput.start()) {
                // All clients on the emulator, as in a deployment: CloudWatch's CBOR protocol is not served there.
                RemediationHandler handler = new RemediationHandler(new Environment(Map.of(
                        "STEPCONNECT_RETRY_ALL", "true", "STEPCONNECT_ALARM_TOPIC_ARN", RemediationFixture.TOPIC)),
                        AwsEmulator.clients(), Clock.systemUTC());
                response = invoke(handler, Json.write(eventFor(failed, "FAILED", 0, "NOT_REDRIVABLE", true)));
                printed = output.lines();
            }
            assertThat(response.string("outcome")).contains("RETRY_STARTED");
            assertThat(fixture.retryExecutions(machine)).hasSize(1);
            assertThat(RemediationFixture.logs(printed, "remediation.handler", "WARN"))
                    .anySatisfy(l -> assertThat(l.raw("unsetVariable")).isEqualTo("STEPCONNECT_SCHEDULER_ROLE_ARN"));
            if (!AwsEmulator.isExternal()) {
                // moto does not serve CloudWatch's CBOR protocol: the alarm call fails and the retry still happens.
                assertThat(RemediationFixture.logs(printed, "remediation.alarms", "ERROR")).singleElement()
                        .satisfies(l -> assertThat(l.raw("alarmName")).isEqualTo(AlarmManager.alarmName(machineName(machine))));
            }
        }
    }
}
