package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SweepFilterTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration LOOKBACK = Duration.ofHours(24);
    private static final String ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";

    private static SweepFilter parse(String json) {
        return SweepFilter.onDemand(Json.parseObject(json), NOW, LOOKBACK);
    }

    @Test
    void onlyTheArnIsRequiredAndTheRestDefaults() {
        SweepFilter filter = parse("{\"stateMachineArn\":\"" + ARN + "\"}");

        assertThat(filter.scheduled()).isFalse();
        assertThat(filter.since()).isEqualTo(NOW.minus(LOOKBACK));
        assertThat(filter.until()).isEqualTo(NOW);
        assertThat(filter.statuses()).containsExactly("FAILED", "TIMED_OUT");
        assertThat(filter.errors()).isEmpty();
        assertThat(filter.dryRun()).isFalse();
        assertThat(filter.maxRetries()).isNull();
    }

    @Test
    void everyFieldIsRead() {
        SweepFilter filter = parse("{\"stateMachineArn\":\"" + ARN + "\",\"since\":\"2026-11-24T00:00:00Z\","
                + "\"until\":\"2026-11-25T02:00:00+02:00\",\"errors\":[\"States.Http.StatusCode.503\",\"Partner.*\"],"
                + "\"statuses\":[\"FAILED\"],\"dryRun\":true,\"maxRetries\":50}");

        assertThat(filter.since()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
        assertThat(filter.until()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(filter.errors()).containsExactly("States.Http.StatusCode.503", "Partner.*");
        assertThat(filter.statuses()).containsExactly("FAILED");
        assertThat(filter.dryRun()).isTrue();
        assertThat(filter.maxRetries()).isEqualTo(50);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown field|{'stateMachineArn':'ARN','dryrun':true}|'dryrun'",
            "missing arn|{'since':'2026-11-29T00:00:00Z'}|'stateMachineArn': required",
            "bad arn|{'stateMachineArn':'arn:aws:states:us-east-1:123456789012:execution:orders:run-1'}|'stateMachineArn'",
            "alias arn|{'stateMachineArn':'ARN:live'}|'stateMachineArn'",
            "arn not a string|{'stateMachineArn':42}|'stateMachineArn': must be a string",
            "since older than 14 days|{'stateMachineArn':'ARN','since':'2026-11-15T11:59:59Z'}|'since': must be at most 14 days",
            "since after until|{'stateMachineArn':'ARN','since':'2026-11-29T10:00:00Z','until':'2026-11-29T09:00:00Z'}|'since': must be before 'until'",
            "since not a date|{'stateMachineArn':'ARN','since':'yesterday'}|'since': must be an ISO-8601",
            "since without offset|{'stateMachineArn':'ARN','since':'2026-11-29T00:00:00'}|'since': must be an ISO-8601",
            "empty pattern|{'stateMachineArn':'ARN','errors':['']}|'errors'",
            "pattern with space|{'stateMachineArn':'ARN','errors':['States.Http StatusCode']}|'errors'",
            "double star|{'stateMachineArn':'ARN','errors':['States.**']}|'errors'",
            "pattern not a string|{'stateMachineArn':'ARN','errors':[503]}|'errors': must be a list of strings",
            "errors not a list|{'stateMachineArn':'ARN','errors':'States.Timeout'}|'errors': must be a list of strings",
            "bad status|{'stateMachineArn':'ARN','statuses':['SUCCEEDED']}|'statuses'",
            "empty statuses|{'stateMachineArn':'ARN','statuses':[]}|'statuses'",
            "dryRun as string|{'stateMachineArn':'ARN','dryRun':'yes'}|'dryRun': must be true or false",
            "maxRetries zero|{'stateMachineArn':'ARN','maxRetries':0}|'maxRetries'",
            "maxRetries fraction|{'stateMachineArn':'ARN','maxRetries':1.5}|'maxRetries'",
            "maxRetries too big|{'stateMachineArn':'ARN','maxRetries':10001}|'maxRetries'"})
    void brokenRulesNameTheField(String name, String json, String expected) {
        String payload = json.replace('\'', '"').replace("\"ARN", "\"" + ARN);

        assertThatThrownBy(() -> parse(payload)).isInstanceOf(InvalidSweepFilterException.class)
                .hasMessageContaining(expected.replace('\'', '\''));
    }

    @Test
    void aPatternWithTooManyCharactersIsRefused() {
        String pattern = "E".repeat(SweepFilter.MAX_PATTERN_LENGTH + 1);
        assertThatThrownBy(() -> parse("{\"stateMachineArn\":\"" + ARN + "\",\"errors\":[\"" + pattern + "\"]}"))
                .isInstanceOf(InvalidSweepFilterException.class).hasMessageContaining("'errors'");
    }

    @Test
    void sinceExactlyFourteenDaysBackIsAccepted() {
        SweepFilter filter = parse("{\"stateMachineArn\":\"" + ARN + "\",\"since\":\"2026-11-15T12:00:00Z\"}");
        assertThat(filter.since()).isEqualTo(NOW.minus(Duration.ofDays(14)));
    }

    @Test
    void patternsMatchTheErrorOrTheErrorInsideTheCause() {
        SweepFilter filter = new SweepFilter(false, ARN, NOW.minusSeconds(60), NOW,
                List.of("states.http.statuscode.503", "Partner.*"), SweepFilter.DEFAULT_STATUSES, false, null);

        assertThat(filter.matchesError("States.TaskFailed", "States.Http.StatusCode.503")).isTrue();
        assertThat(filter.matchesError("Partner.Unavailable", "Partner.Unavailable")).isTrue();
        assertThat(filter.matchesError("States.Http.StatusCode.500", "States.Http.StatusCode.500")).isFalse();
        assertThat(filter.matchesError(null, null)).isFalse();
        assertThat(new SweepFilter(false, ARN, NOW.minusSeconds(60), NOW, List.of(), List.of("FAILED"), false, null)
                .matchesError(null, null)).isTrue();
    }

    @Test
    void theWindowBoundsTheStopDateInclusively() {
        SweepFilter filter = SweepFilter.scheduledRun(NOW, LOOKBACK);

        assertThat(filter.scheduled()).isTrue();
        assertThat(filter.inWindow(NOW.minus(LOOKBACK))).isTrue();
        assertThat(filter.inWindow(NOW)).isTrue();
        assertThat(filter.inWindow(NOW.minus(LOOKBACK).minusMillis(1))).isFalse();
        assertThat(filter.inWindow(NOW.plusMillis(1))).isFalse();
        assertThat(filter.inWindow(null)).isFalse();
    }

    @Test
    void theScheduleEventIsRecognisedAndAFilterIsNot() {
        assertThat(SweepFilter.isScheduledEvent(Json.parseObject("{\"sweep\":\"scheduled\"}"))).isTrue();
        assertThat(SweepFilter.isScheduledEvent(Json.parseObject(
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}"))).isTrue();
        assertThat(SweepFilter.isScheduledEvent(Json.parseObject("{\"sweep\":\"scheduled\",\"stateMachineArn\":\"x\"}"))).isFalse();
        assertThat(SweepFilter.isScheduledEvent(Json.parseObject("{\"stateMachineArn\":\"" + ARN + "\"}"))).isFalse();
    }

    @Test
    void theSampleEventsAreWhatTheHandlerAccepts() throws java.io.IOException {
        String scheduled = java.nio.file.Files.readString(java.nio.file.Path.of("events", "sweep-scheduled.json"));
        String onDemand = java.nio.file.Files.readString(java.nio.file.Path.of("events", "sweep-on-demand.json"));

        assertThat(SweepFilter.isScheduledEvent(Json.parseObject(scheduled))).isTrue();
        SweepFilter filter = parse(onDemand);
        assertThat(filter.dryRun()).isTrue();
        assertThat(filter.errors()).contains("States.Http.StatusCode.503");
    }
}
