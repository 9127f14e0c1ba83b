package dev.stepconnect.guardian;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stepconnect.config.Environment;
import dev.stepconnect.demo.PartnerApiStandIn;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.RotationStart;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ConnectionAuthorizationType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Drives the real handler (JSON event in, JSON answer out) with real SDK clients against the emulator.
 * EventBridge calls go through a WireMock front that forwards to the emulator; the emulator cannot make
 * a connection DEAUTHORIZED, so DescribeConnection of one connection is answered at the HTTP level
 * (AWS-shaped JSON) while it is "deauthorized". A loopback partner API answers the direct probe.
 * Recorded request bodies hold test credentials: they are only asserted on, never printed.
 */
@ExtendWith(AwsEmulator.class)
class GuardianHandlerTest {
    private static final String KEY_HEADER = PartnerApiStandIn.KEY_HEADER;

    private final List<String> knownSecrets = new ArrayList<>();
    private SecretsManagerClient secrets;
    private EventBridgeClient events;
    private AwsJsonStub front;
    private PartnerApiStandIn partner;
    private CapturedOutput output;
    private final TestClock clock = new TestClock();

    @BeforeEach
    void setUp() {
        secrets = AwsEmulator.clients().secretsManager();
        events = AwsEmulator.clients().eventBridge();
        front = new AwsJsonStub("AWSEvents").proxyUnmatchedTo(AwsEmulator.endpoint());
        partner = new PartnerApiStandIn();
        output = CapturedOutput.start();
    }

    @AfterEach
    void tearDown() {
        output.close();
        String printed = output.text();
        for (String secret : knownSecrets) {
            assertThat(printed.contains(secret)).as("a secret value was printed").isFalse();
        }
        partner.close();
        front.close();
        secrets.close();
        events.close();
    }

    // ------------------------------------------------------------------ healing

    @Test
    void healsADeauthorizedConnectionOnItsStateEventAndProvesIt() {
        Managed m = managed(true);
        partner.issue(m.key());
        deauthorizedUntilUpdated(m.connection());

        JsonObject answer = invoke(handler(), stateEvent(m.connection()));

        JsonObject outcome = onlyOutcome(answer, m.connection());
        assertThat(outcome.string("action")).contains("HEAL");
        assertThat(outcome.string("result")).contains("ok");
        assertThat(outcome.string("stateBefore")).contains("DEAUTHORIZED");
        assertThat(outcome.string("stateAfter")).contains("AUTHORIZED");
        assertThat(outcome.string("secretArn")).contains(m.secretArn());
        assertThat(updateBodies(m.connection())).hasSize(1);
        assertThat(updateBodies(m.connection()).get(0).contains(m.key())).as("AWSCURRENT's key re-applied").isTrue();
        assertThat(markerOf(m.connection()).carriesVersion(currentVersion(m.secretArn()))).isTrue();
        assertThat(describedDescription(m.connection())).startsWith("Partner API");
        assertThat(partner.answers()).containsExactly(200);
        assertThat(emf("ConnectionHealed", m.connection())).hasSize(1);
        assertThat(emf("ConnectionHealthy", m.connection())).singleElement()
                .satisfies(line -> assertThat(line).contains("\"ConnectionHealthy\":1.0"));
        assertThat(logLines("guardian outcome", m.connection())).singleElement().satisfies(line -> {
            assertThat(line.string("secretArn")).contains(m.secretArn());
            assertThat(line.string("stateBefore")).contains("DEAUTHORIZED");
            assertThat(line.string("stateAfter")).contains("AUTHORIZED");
            assertThat(line.string("reason")).isPresent();
        });
        assertThat(tag(m.secretArn(), HealHistory.tagKey(m.connection()))).as("heal recorded on the source secret")
                .matches("\\d+ healed=[0-9a-f]{16}");

        // Delivered again (EventBridge delivers at least once): the connection is fine now, nothing is written.
        onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());
        assertThat(updateBodies(m.connection())).hasSize(1);
    }

    @Test
    void scheduledCheckHealsReportsHealthAndSyncsAnUnrecordedVersionOnce() {
        Managed sick = managed(false);
        deauthorizedUntilUpdated(sick.connection());
        String key = "unrecorded-key-" + UUID.randomUUID();
        knownSecrets.add(key);
        String legacyConnection = AwsEmulator.uniqueName("guard-legacy");
        String legacySecret = secret(legacyConnection, key, true, null);
        // Written by StepConnect before versions were recorded: the marker names the source only.
        createConnection(legacyConnection, key, new ConnectionMarker(null, null, ConnectionMarker.sourceHash(legacySecret), null));

        JsonObject answer = invoke(handler(), scheduledEvent());

        assertThat(onlyOutcome(answer, sick.connection()).string("action")).contains("HEAL");
        assertThat(onlyOutcome(answer, legacyConnection).string("action")).contains("SYNC");
        assertThat(markerOf(legacyConnection).carriesVersion(currentVersion(legacySecret))).isTrue();
        assertThat(emf("CredentialSynced", legacyConnection)).hasSize(1);
        assertThat(emf("ConnectionHealthy", legacyConnection)).singleElement()
                .satisfies(line -> assertThat(line).contains("\"ConnectionHealthy\":1.0"));

        JsonObject again = invoke(handler(), scheduledEvent());
        assertThat(onlyOutcome(again, legacyConnection).string("action")).contains("NONE");
        assertThat(updateBodies(legacyConnection)).as("synced once, then marked").hasSize(1);
    }

    @Test
    void healsAnOAuthConnectionWithEveryAuthParameterOfItsType() {
        String connection = AwsEmulator.uniqueName("guard-oauth");
        String clientSecret = "client-secret-" + UUID.randomUUID();
        knownSecrets.add(clientSecret);
        String json = "{\"clientId\":\"client-1\",\"clientSecret\":\"" + clientSecret + "\","
                + "\"authorizationEndpoint\":\"https://auth.example.com/token\",\"httpMethod\":\"POST\"}";
        List<Tag> tags = List.of(Tag.builder().key("stepconnect:connection").value(connection).build(),
                Tag.builder().key("stepconnect:credentials").value("true").build());
        String arn = secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("guard-secret")).secretString(json).tags(tags)).arn();
        String description = new ConnectionMarker(null, null, null, null).carrying(arn, currentVersion(arn)).appendTo("Orders API");
        events.createConnection(r -> r.name(connection).description(description)
                .authorizationType(ConnectionAuthorizationType.OAUTH_CLIENT_CREDENTIALS)
                .authParameters(a -> a.oAuthParameters(o -> o.authorizationEndpoint("https://auth.example.com/token")
                        .httpMethod("POST").clientParameters(c -> c.clientID("client-1").clientSecret(clientSecret)))));
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .withRequestBody(containing("\"" + connection + "\""))
                .inScenario(connection).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(Json.write(Map.of("Name", connection, "ConnectionState", "DEAUTHORIZED",
                        "StateReason", "Failed to refresh the OAuth token", "AuthorizationType", "OAUTH_CLIENT_CREDENTIALS",
                        "ConnectionArn", events.describeConnection(r -> r.name(connection)).connectionArn(),
                        "Description", description)))));
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.UpdateConnection"))
                .withRequestBody(containing("\"" + connection + "\""))
                .inScenario(connection).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("updated")
                .willReturn(aResponse().proxiedFrom(AwsEmulator.endpoint().toString())));

        JsonObject outcome = onlyOutcome(invoke(handler(), stateEvent(connection)), connection);

        assertThat(outcome.string("action")).contains("HEAL");
        assertThat(outcome.string("result")).contains("ok");
        JsonObject update = Json.parseObject(updateBodies(connection).get(0));
        assertThat(update.string("AuthorizationType")).contains("OAUTH_CLIENT_CREDENTIALS");
        JsonObject oauth = update.requiredObject("AuthParameters").requiredObject("OAuthParameters");
        assertThat(oauth.string("AuthorizationEndpoint")).contains("https://auth.example.com/token");
        assertThat(oauth.string("HttpMethod")).contains("POST");
        JsonObject client = oauth.requiredObject("ClientParameters");
        assertThat(client.string("ClientID")).contains("client-1");
        assertThat(clientSecret.equals(client.string("ClientSecret").orElse(null))).isTrue();
        assertThat(update.string("Description").orElse("")).startsWith("Orders API [stepconnect:");
    }

    // ------------------------------------------------------------------ drift

    @Test
    void syncsDriftAfterAPutSecretValueOutsideRotation() {
        Managed m = managed(false);
        String newKey = "operator-key-" + UUID.randomUUID();
        knownSecrets.add(newKey);
        secrets.putSecretValue(r -> r.secretId(m.secretArn()).secretString(apiKeyJson(newKey)));

        JsonObject answer = invoke(handler(), trailEvent("PutSecretValue", nameOf(m.secretArn()), m.secretArn()));

        JsonObject outcome = onlyOutcome(answer, m.connection());
        assertThat(outcome.string("action")).contains("SYNC");
        assertThat(outcome.string("result")).contains("ok");
        assertThat(updateBodies(m.connection())).singleElement().satisfies(body -> {
            assertThat(body.contains(newKey)).isTrue();
            assertThat(body.contains(m.key())).isFalse();
        });
        assertThat(markerOf(m.connection()).carriesVersion(currentVersion(m.secretArn()))).isTrue();
        assertThat(emf("CredentialSynced", m.connection())).hasSize(1);

        // The same change seen again (CloudTrail, then the schedule): already in sync.
        invoke(handler(), trailEvent("PutSecretValue", m.secretArn(), null));
        invoke(handler(), scheduledEvent());
        assertThat(updateBodies(m.connection())).hasSize(1);
    }

    // ------------------------------------------------------------------ rotation

    @Test
    void leavesConnectionsAloneWhileARotationRunsAndActsOnceItIsStale() {
        Managed m = managed(false);
        RotationStart.begin(secrets, m.secretArn());
        deauthorizedUntilUpdated(m.connection());

        JsonObject onEvent = invoke(handler(), stateEvent(m.connection()));
        JsonObject onTrail = invoke(handler(), trailEvent("PutSecretValue", m.secretArn(), m.secretArn()));

        assertThat(onlyOutcome(onEvent, m.connection()).string("action")).contains("WAIT_ROTATION");
        assertThat(onlyOutcome(onTrail, m.connection()).string("action")).contains("WAIT_ROTATION");
        assertThat(updateBodies(m.connection())).as("never fight a rotation").isEmpty();
        assertThat(emf("RotationStale", m.connection())).isEmpty();

        // A rotation that failed leaves AWSPENDING behind: past STEPCONNECT_ROTATION_STALE_HOURS it no longer blocks.
        clock.advance(Duration.ofHours(25));
        JsonObject later = invoke(handler(), stateEvent(m.connection()));

        assertThat(onlyOutcome(later, m.connection()).string("action")).contains("HEAL");
        assertThat(updateBodies(m.connection())).singleElement()
                .satisfies(body -> assertThat(body.contains(m.key())).as("AWSCURRENT, never the pending value").isTrue());
        assertThat(emf("RotationStale", m.connection())).hasSize(1);
    }

    // ------------------------------------------------------------------ flap limit and refusals

    @Test
    void flapLimitHoldsAcrossTwoHandlerInstances() {
        Managed m = managed(false);
        Map<String, String> limit = Map.of("STEPCONNECT_HEAL_LIMIT", "2");
        GuardianHandler first = handler(limit);
        GuardianHandler second = handler(limit);

        deauthorizedUntilUpdated(m.connection());
        assertThat(onlyOutcome(invoke(first, stateEvent(m.connection())), m.connection()).string("action")).contains("HEAL");
        clock.advance(Duration.ofMinutes(15));
        deauthorizedAgain(m.connection());
        assertThat(onlyOutcome(invoke(second, stateEvent(m.connection())), m.connection()).string("action")).contains("HEAL");
        clock.advance(Duration.ofMinutes(15));
        deauthorizedAgain(m.connection());

        JsonObject held = onlyOutcome(invoke(first, stateEvent(m.connection())), m.connection());

        assertThat(held.string("action")).contains("HOLD_FLAP_LIMIT");
        assertThat(updateBodies(m.connection())).hasSize(2);
        assertThat(emf("ConnectionHealFailed", m.connection())).hasSize(1);
        assertThat(emf("ConnectionHealthy", m.connection())).last()
                .satisfies(line -> assertThat(line).contains("\"ConnectionHealthy\":0.0"));

        // Sliding window: once the first heal is more than 60 minutes old, one heal is allowed again.
        clock.advance(Duration.ofMinutes(31));
        JsonObject healed = onlyOutcome(invoke(second, stateEvent(m.connection())), m.connection());
        assertThat(healed.string("action")).contains("HEAL");
        assertThat(updateBodies(m.connection())).hasSize(3);
    }

    @Test
    void credentialRefusedByTheTestEndpointIsNotReappliedInALoop() {
        Managed m = managed(true);
        partner.revoke(m.key());
        deauthorizedUntilUpdated(m.connection());

        JsonObject first = onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());

        assertThat(first.string("result")).contains("refused");
        assertThat(partner.answers()).containsExactly(401);
        assertThat(emf("CredentialRefused", m.connection())).hasSize(1);
        assertThat(logLines("guardian outcome", m.connection())).singleElement()
                .satisfies(line -> assertThat(line.string("level")).contains("WARN"));

        // EventBridge deauthorizes it on the next 401; the guardian does not push the same key again.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(20));
            deauthorizedAgain(m.connection());
            assertThat(onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection()).string("action"))
                    .contains("HOLD_REFUSED");
        }
        assertThat(updateBodies(m.connection())).hasSize(1);
        assertThat(partner.answers()).hasSize(1);

        // A new value in the secret is tried at once.
        String fixed = "fixed-key-" + UUID.randomUUID();
        knownSecrets.add(fixed);
        partner.issue(fixed);
        secrets.putSecretValue(r -> r.secretId(m.secretArn()).secretString(apiKeyJson(fixed)));
        JsonObject afterFix = onlyOutcome(invoke(handler(), trailEvent("PutSecretValue", m.secretArn(), m.secretArn())),
                m.connection());
        assertThat(afterFix.string("action")).contains("HEAL");
        assertThat(afterFix.string("result")).contains("ok");
        assertThat(updateBodies(m.connection())).hasSize(2);
    }

    @Test
    void connectionThatDeauthorizesAgainRightAwayStopsTheHealing() {
        Managed m = managed(false);
        alwaysDeauthorized(m.connection());

        JsonObject first = onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());
        assertThat(first.string("result")).contains("refused");
        assertThat(emf("CredentialRefused", m.connection())).hasSize(1);

        for (int i = 0; i < 3; i++) {
            JsonObject again = onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());
            assertThat(again.string("action")).contains("HOLD_REFUSED");
        }
        assertThat(updateBodies(m.connection())).as("one attempt, no loop").hasSize(1);
    }

    // ------------------------------------------------------------------ bad input and foreign things

    @Test
    void malformedAndForeignEventsAreAcknowledgedCountedAndNotQuoted() {
        String marker = "do-not-log-" + UUID.randomUUID();
        List<String> bodies = List.of(
                "not json " + marker,
                "[\"" + marker + "\"]",
                "{\"source\":\"aws.states\",\"detail-type\":\"Step Functions Execution Status Change\",\"detail\":{\"input\":\""
                        + marker + "\"}}",
                "{\"source\":\"aws.events\",\"detail-type\":\"Connection Deauthorized\",\"detail\":{\"ConnectionName\":\""
                        + marker + "/x\"}}",
                "{\"source\":\"aws.secretsmanager\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":\"" + marker + "\"}",
                // Strict input (#10.6): a valid scheduled check followed by trailing content is malformed.
                "{\"stepconnect\":\"guardian-scheduled-check\"}}}" + marker);
        GuardianHandler handler = handler();
        for (String body : bodies) {
            JsonObject answer = invoke(handler, body);
            assertThat(answer.string("ignored")).as(body).isPresent();
        }
        assertThat(output.text()).doesNotContain(marker);
        assertThat(output.emfLines().stream().filter(line -> line.contains("\"GuardianEventsIgnored\""))).hasSize(bodies.size());
        assertThat(front.requests("UpdateConnection")).isEmpty();
    }

    @Test
    void eventsForConnectionsStepConnectDoesNotManageAreCountedAndIgnored() {
        // A connection nobody lists, and one whose marker names another team's secret.
        String stranger = AwsEmulator.uniqueName("guard-stranger");
        createConnection(stranger, "stranger-key-1", null);
        Managed m = managed(false);
        String otherTeam = secret(m.connection(), "other-team-key-1", true, null);
        deauthorizedUntilUpdated(m.connection());
        String foreign = AwsEmulator.uniqueName("guard-foreign");
        createConnection(foreign, "foreign-key-1", new ConnectionMarker(null, null, ConnectionMarker.sourceHash("arn:other"), null));
        secret(foreign, "foreign-secret-key-1", true, null);

        JsonObject a = onlyOutcome(invoke(handler(), stateEvent(stranger)), stranger);
        JsonObject b = onlyOutcome(invoke(handler(), stateEvent(foreign)), foreign);
        JsonObject c = onlyOutcome(invoke(handler(), trailEvent("PutSecretValue", otherTeam, otherTeam)), m.connection());

        assertThat(a.string("result")).contains("skipped");
        assertThat(b.string("result")).contains("skipped");
        assertThat(c.string("action")).contains("IGNORE_NOT_FOLLOWING");
        assertThat(updateBodies(stranger)).isEmpty();
        assertThat(updateBodies(foreign)).isEmpty();
        assertThat(updateBodies(m.connection())).as("the other team's secret never writes this connection").isEmpty();
        assertThat(output.emfLines().stream().filter(line -> line.contains("\"GuardianEventsIgnored\"")
                && line.contains("\"Reason\":\"unmanaged\""))).hasSize(2);
    }

    @Test
    void aSecretThatIsNotValidCredentialsJsonIsReportedAndNothingWritten() {
        Managed m = managed(false);
        secrets.putSecretValue(r -> r.secretId(m.secretArn()).secretString("{\"note\":\"rotated by hand, oops\"}"));
        deauthorizedUntilUpdated(m.connection());

        JsonObject outcome = onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());

        assertThat(outcome.string("result")).contains("failed");
        assertThat(outcome.string("reason").orElse("")).contains("not a valid credential");
        assertThat(updateBodies(m.connection())).isEmpty();
        assertThat(emf("ConnectionHealFailed", m.connection())).hasSize(1);
    }

    @Test
    void aDeletedSourceSecretIsReportedAndNothingTouched() {
        Managed m = managed(false);
        deauthorizedUntilUpdated(m.connection());
        secrets.deleteSecret(r -> r.secretId(m.secretArn()).recoveryWindowInDays(7L));

        JsonObject outcome = onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());

        assertThat(outcome.string("action")).contains("ALERT_SECRET_DELETED");
        assertThat(updateBodies(m.connection())).isEmpty();
        assertThat(emf("ConnectionHealFailed", m.connection())).hasSize(1);
        assertThat(emf("ConnectionHealthy", m.connection())).singleElement()
                .satisfies(line -> assertThat(line).contains("\"ConnectionHealthy\":0.0"));
    }

    @Test
    void secretsThatAreNotOptedInAreNeverRead() {
        String connection = AwsEmulator.uniqueName("guard-optout");
        String arn = secret(connection, "opted-out-key-1", false, null);
        createConnection(connection, "opted-out-key-1", new ConnectionMarker(null, null, null, null).carrying(arn, currentVersion(arn)));
        deauthorizedUntilUpdated(connection);

        JsonObject answer = onlyOutcome(invoke(handler(), stateEvent(connection)), connection);
        invoke(handler(), trailEvent("PutSecretValue", arn, arn));

        assertThat(answer.string("result")).contains("skipped");
        assertThat(updateBodies(connection)).isEmpty();
    }

    @Test
    void changesOfSecretsTheGuardianMayNotReadAreAcknowledged() {
        // In AWS the role reads only secrets tagged stepconnect:credentials=true; CloudTrail reports every secret.
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:someone-elses-AbCdEf";
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("secretsmanager.DescribeSecret"))
                .withRequestBody(containing("someone-elses"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized\"}")));

        JsonObject answer = invoke(handler(), trailEvent("PutSecretValue", arn, arn));

        assertThat(answer.objects("outcomes")).isEmpty();
        assertThat(output.emfLines().stream().filter(line -> line.contains("\"Reason\":\"not-opted-in\""))).hasSize(1);
    }

    @Test
    void aPassingAwsFailureHandsTheEventToLambdasRetries() {
        Managed m = managed(false);
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .withRequestBody(containing(m.connection()))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"InternalException\",\"message\":\"injected\"}")));

        assertThatThrownBy(() -> invoke(handler(), stateEvent(m.connection())))
                .isInstanceOf(GuardianRetryableException.class).hasMessageContaining("InternalException");
        assertThat(updateBodies(m.connection())).isEmpty();
    }

    // ------------------------------------------------------------------ review: seams and faults

    /**
     * One secret names three connections, one of them marked with another source: a CloudTrail event naming
     * the secret only by name (what the caller typed, no responseElements), and one with the old {@code aRN}
     * spelling, sync the two that follow it and never write the third.
     */
    @Test
    void aSecretNamingThreeConnectionsWritesOnlyThoseThatFollowIt() {
        String key = "shared-key-" + UUID.randomUUID();
        String one = AwsEmulator.uniqueName("guard-three-a");
        String two = AwsEmulator.uniqueName("guard-three-b");
        String foreign = AwsEmulator.uniqueName("guard-three-x");
        String arn = secret(one + "," + two + "," + foreign, key, true, null);
        String version = currentVersion(arn);
        createConnection(one, key, new ConnectionMarker(null, null, null, null).carrying(arn, version));
        createConnection(two, key, new ConnectionMarker(null, null, null, null).carrying(arn, version));
        createConnection(foreign, "foreign-key-" + UUID.randomUUID(),
                new ConnectionMarker(null, null, ConnectionMarker.sourceHash("arn:aws:secretsmanager:us-east-1:123456789012:secret:team-b"), null));
        String newKey = "shared-new-" + UUID.randomUUID();
        knownSecrets.add(newKey);
        secrets.putSecretValue(r -> r.secretId(arn).secretString(apiKeyJson(newKey)));

        JsonObject byName = invoke(handler(), trailEvent("PutSecretValue", nameOf(arn), null));

        assertThat(onlyOutcome(byName, one).string("action")).contains("SYNC");
        assertThat(onlyOutcome(byName, two).string("action")).contains("SYNC");
        assertThat(onlyOutcome(byName, foreign).string("action")).contains("IGNORE_NOT_FOLLOWING");
        assertThat(updateBodies(foreign)).isEmpty();
        assertThat(emf("ConnectionHealthy", foreign)).as("not ours: no health reported").isEmpty();

        String newer = "shared-newer-" + UUID.randomUUID();
        knownSecrets.add(newer);
        secrets.putSecretValue(r -> r.secretId(arn).secretString(apiKeyJson(newer)));
        String legacy = trailEvent("UpdateSecret", nameOf(arn), null).replace("\"responseElements\":{}",
                "\"responseElements\":{\"aRN\":\"" + arn + "\"}");
        assertThat(legacy).contains("aRN");
        JsonObject byLegacyArn = invoke(handler(), legacy);

        assertThat(onlyOutcome(byLegacyArn, one).string("action")).contains("SYNC");
        assertThat(updateBodies(one)).hasSize(2);
        assertThat(updateBodies(two)).hasSize(2);
        assertThat(updateBodies(foreign)).isEmpty();
    }

    /**
     * The heal history cannot be recorded (TagResource refused, e.g. the secret already holds 50 tags): the heal
     * fails closed (no write that the flap limit could not count) as an outcome, not as an event retried to death.
     */
    @Test
    void aHealWhoseHistoryCannotBeRecordedFailsClosedAsAnOutcome() {
        Managed m = managed(false);
        deauthorizedUntilUpdated(m.connection());
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("secretsmanager.TagResource"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"ValidationException\",\"message\":\"Number of tags exceeds the limit\"}")));

        for (String event : List.of(stateEvent(m.connection()), scheduledEvent())) {
            JsonObject outcome = onlyOutcome(invoke(handler(), event), m.connection());
            assertThat(outcome.string("action")).contains("HEAL");
            assertThat(outcome.string("result")).contains("failed");
            assertThat(outcome.string("reason").orElse("")).contains("heal history");
        }
        assertThat(updateBodies(m.connection())).as("no uncounted heal").isEmpty();
        assertThat(emf("ConnectionHealFailed", m.connection())).hasSize(2);
    }

    /**
     * Every AWS call the guardian makes, throttled or failing with a 5xx past the SDK's own retries: the event is
     * handed to Lambda's retries (never acknowledged as done), nothing half-written, no value printed.
     */
    @Test
    void throttlingOrServerErrorsOnAnyCallNeverLoseAnEvent() {
        List<String[]> faults = List.of(
                new String[] {"secretsmanager.ListSecrets", "400", "ThrottlingException"},
                new String[] {"secretsmanager.DescribeSecret", "500", "InternalServiceError"},
                new String[] {"secretsmanager.GetSecretValue", "400", "ThrottlingException"},
                new String[] {"secretsmanager.TagResource", "503", "ServiceUnavailable"},
                new String[] {"AWSEvents.DescribeConnection", "400", "ThrottlingException"},
                new String[] {"AWSEvents.UpdateConnection", "500", "InternalException"});
        for (String[] fault : faults) {
            Managed m = managed(false);
            deauthorizedUntilUpdated(m.connection());
            var stub = front.server().stubFor(post(urlEqualTo("/")).atPriority(0)
                    .withHeader("X-Amz-Target", equalTo(fault[0]))
                    .willReturn(aResponse().withStatus(Integer.parseInt(fault[1]))
                            .withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                            .withBody("{\"__type\":\"" + fault[2] + "\",\"message\":\"injected\"}")));

            assertThatThrownBy(() -> invoke(handler(), stateEvent(m.connection()))).as(fault[0])
                    .isInstanceOf(GuardianRetryableException.class);
            front.server().removeStub(stub);
            assertThat(updateBodies(m.connection()).size()).as(fault[0]).isLessThanOrEqualTo(
                    fault[0].endsWith("UpdateConnection") ? Integer.MAX_VALUE : 0);

            // Lambda's retry, once the fault has passed, heals it.
            JsonObject retried = onlyOutcome(invoke(handler(), stateEvent(m.connection())), m.connection());
            assertThat(retried.string("result")).as(fault[0]).contains("ok");
        }
    }

    /** Histories that decide nothing are removed: of a connection no longer named, and one without a recent heal. */
    @Test
    void expiredAndOrphanedHealHistoriesAreRemoved() {
        Managed m = managed(false);
        String other = AwsEmulator.uniqueName("guard-recent");
        long now = clock.instant().getEpochSecond();
        String hash = ConnectionMarker.versionHash(currentVersion(m.secretArn()));
        secrets.tagResource(r -> r.secretId(m.secretArn()).tags(
                Tag.builder().key("stepconnect:connection").value(m.connection() + "," + other).build(),
                Tag.builder().key(HealHistory.tagKey(m.connection())).value((now - 7200) + " healed=" + hash).build(),
                Tag.builder().key(HealHistory.tagKey(other)).value((now - 60) + " healed=" + hash).build(),
                Tag.builder().key(HealHistory.tagKey("deleted-long-ago")).value(String.valueOf(now - 60)).build()));

        invoke(handler(), scheduledEvent());

        assertThat(tag(m.secretArn(), HealHistory.tagKey(m.connection()))).as("expired").isNull();
        assertThat(tag(m.secretArn(), HealHistory.tagKey("deleted-long-ago"))).as("not named any more").isNull();
        assertThat(tag(m.secretArn(), HealHistory.tagKey(other))).as("still counts").isNotNull();
    }

    // ------------------------------------------------------------------ helpers

    /** A credentials secret (opted in) and the API_KEY connection that follows its AWSCURRENT. */
    private record Managed(String connection, String secretArn, String key) {
    }

    private Managed managed(boolean withTestEndpoint) {
        String connection = AwsEmulator.uniqueName("guard-conn");
        String key = "key-" + UUID.randomUUID();
        String arn = secret(connection, key, true, withTestEndpoint ? partner.whoAmIUrl().toString() : null);
        createConnection(connection, key, new ConnectionMarker(null, null, null, null).carrying(arn, currentVersion(arn)));
        return new Managed(connection, arn, key);
    }

    private String secret(String connection, String key, boolean optedIn, String testEndpoint) {
        knownSecrets.add(key);
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.builder().key("stepconnect:connection").value(connection).build());
        if (optedIn) {
            tags.add(Tag.builder().key("stepconnect:credentials").value("true").build());
        }
        if (testEndpoint != null) {
            tags.add(Tag.builder().key("stepconnect:test-endpoint").value(testEndpoint).build());
        }
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("guard-secret")).secretString(apiKeyJson(key))
                .tags(tags)).arn();
    }

    private void createConnection(String name, String key, ConnectionMarker marker) {
        knownSecrets.add(key);
        String description = marker == null ? "Partner API" : marker.appendTo("Partner API");
        events.createConnection(r -> r.name(name).description(description).authorizationType(ConnectionAuthorizationType.API_KEY)
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName(KEY_HEADER).apiKeyValue(key))));
    }

    private static String apiKeyJson(String key) {
        return "{\"apiKeyName\":\"" + KEY_HEADER + "\",\"apiKeyValue\":\"" + key + "\"}";
    }

    private GuardianHandler handler() {
        return handler(Map.of());
    }

    private GuardianHandler handler(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", AwsEmulator.REGION.id());
        env.put("STEPCONNECT_TEST_MODE", "direct");
        env.put("STEPCONNECT_WAIT_SECONDS", "20");
        env.putAll(extra);
        return new GuardianHandler(new Environment(env), front.clients(), clock);
    }

    private static JsonObject invoke(GuardianHandler handler, String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out,
                    new TestContext(Duration.ofMinutes(2)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Json.parseObject(out.toString(StandardCharsets.UTF_8));
    }

    private static JsonObject onlyOutcome(JsonObject answer, String connection) {
        List<JsonObject> mine = answer.objects("outcomes").stream()
                .filter(o -> connection.equals(o.string("connection").orElse(null))).toList();
        assertThat(mine).as("outcomes for " + connection + " in " + answer.asMap()).hasSize(1);
        return mine.get(0);
    }

    private static String stateEvent(String connection) {
        JsonObject sample = sample("guardian-connection-deauthorized.json");
        Map<String, Object> event = new LinkedHashMap<>(sample.asMap());
        Map<String, Object> detail = new LinkedHashMap<>(sample.requiredObject("detail").asMap());
        detail.put("ConnectionName", connection);
        event.put("detail", detail);
        return Json.write(event);
    }

    private static String trailEvent(String eventName, String secretId, String responseArn) {
        JsonObject sample = sample("guardian-cloudtrail-put-secret-value.json");
        Map<String, Object> event = new LinkedHashMap<>(sample.asMap());
        Map<String, Object> detail = new LinkedHashMap<>(sample.requiredObject("detail").asMap());
        detail.put("eventName", eventName);
        detail.put("requestParameters", Map.of("secretId", secretId));
        Map<String, Object> response = new LinkedHashMap<>();
        if (responseArn != null) {
            response.put("arn", responseArn);
        }
        detail.put("responseElements", response);
        event.put("detail", detail);
        return Json.write(event);
    }

    private static String scheduledEvent() {
        return Json.write(sample("guardian-scheduled-check.json").asMap());
    }

    private static JsonObject sample(String file) {
        try {
            return Json.parseObject(java.nio.file.Files.readString(java.nio.file.Path.of("events", file)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void deauthorizedUntilUpdated(String connection) {
        new DeauthorizedConnection(front, events, KEY_HEADER).untilUpdated(connection);
    }

    private void deauthorizedAgain(String connection) {
        new DeauthorizedConnection(front, events, KEY_HEADER).again(connection);
    }

    private void alwaysDeauthorized(String connection) {
        new DeauthorizedConnection(front, events, KEY_HEADER).always(connection);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return DeauthorizedConnection.json(body);
    }

    private List<String> updateBodies(String connection) {
        return front.requests("UpdateConnection").stream().map(LoggedRequest::getBodyAsString)
                .filter(body -> Json.parseObject(body).string("Name").orElse("").equals(connection)).toList();
    }

    private ConnectionMarker markerOf(String connection) {
        return ConnectionMarker.find(describedDescription(connection)).orElseThrow();
    }

    private String describedDescription(String connection) {
        return events.describeConnection(r -> r.name(connection)).description();
    }

    private String currentVersion(String arn) {
        return secrets.getSecretValue(r -> r.secretId(arn).versionStage("AWSCURRENT")).versionId();
    }

    private String nameOf(String arn) {
        return secrets.describeSecret(r -> r.secretId(arn)).name();
    }

    private String tag(String arn, String key) {
        return secrets.describeSecret(r -> r.secretId(arn)).tags().stream().filter(t -> t.key().equals(key))
                .map(Tag::value).findFirst().orElse(null);
    }

    private List<String> emf(String metric, String connection) {
        return output.emfLines().stream().filter(line -> line.contains("\"" + metric + "\":")
                && line.contains("\"Connection\":\"" + connection + "\"")).toList();
    }

    private List<JsonObject> logLines(String message, String connection) {
        return output.lines().stream().filter(line -> line.startsWith("{") && !line.contains("\"_aws\""))
                .map(Json::parseObject)
                .filter(line -> message.equals(line.string("message").orElse(null))
                        && connection.equals(line.string("connection").orElse(null)))
                .toList();
    }

    /** The system clock moved forward on demand (deadlines still count down in real time). */
    private static final class TestClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
