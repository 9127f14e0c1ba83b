package dev.stepconnect.rotation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import dev.stepconnect.config.Environment;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.RotationStart;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.EmulatorClients;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ConnectionAuthorizationType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Drives the real handler (JSON event in, {@link TestContext}) with real SDK clients against the
 * emulator. EventBridge and Step Functions calls go through a WireMock front that records
 * UpdateConnection requests, stubs TestState (not in moto) and forwards everything else to moto.
 * A loopback HTTP server plays the partner API for the {@code direct} probe.
 * Recorded request bodies hold test credentials: they are only asserted on, never printed.
 */
@ExtendWith(AwsEmulator.class)
class RotationHandlerTest {
    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/stepconnect-test-state";

    private final List<String> knownSecrets = new ArrayList<>();
    @RegisterExtension
    final EmulatorClients aws = new EmulatorClients();
    private final SecretsManagerClient secrets = aws.secrets();
    private final EventBridgeClient events = aws.events();
    private AwsJsonStub front;
    private PartnerApi partner;
    private WireMockServer tokenEndpoint;
    private final CapturedOutput output = aws.output();

    @BeforeEach
    void setUp() throws IOException {
        front = new AwsJsonStub("AWSEvents").proxyUnmatchedTo(AwsEmulator.endpoint());
        partner = new PartnerApi();
        tokenEndpoint = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        tokenEndpoint.start();
    }

    @AfterEach
    void tearDown() {
        output.close();
        String printed = output.text();
        for (String secret : knownSecrets) {
            assertThat(printed.contains(secret)).as("a secret value was printed").isFalse();
        }
        partner.close();
        tokenEndpoint.stop();
        front.close();
    }

    // ------------------------------------------------------------------ full rotations

    @Test
    void apiKeyRotationWithRandomGeneratorAndDirectProbe() {
        String connection = apiKeyConnection("old-key-0001");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0001\",\"owner\":\"team-a\"}",
                tags(connection, partner.url(), "random"));
        String oldVersion = currentVersion(arn);
        String token = startRotation(arn);
        RotationHandler handler = handler("direct");

        invoke(handler, "createSecret", arn, token);
        String pending = pendingJson(arn, token);
        String newKey = field(pending, "apiKeyValue");
        knownSecrets.add(newKey);
        assertThat(newKey.length()).isGreaterThanOrEqualTo(40);
        assertThat(field(pending, "owner")).isEqualTo("team-a");
        assertThat(field(pending, "apiKeyName")).isEqualTo("x-api-key");
        invoke(handler, "createSecret", arn, token);
        assertThat(pendingJson(arn, token).equals(pending)).as("createSecret re-run keeps the staged value").isTrue();

        partner.accept("x-api-key", newKey);
        invoke(handler, "setSecret", arn, token);
        invoke(handler, "setSecret", arn, token);
        assertThat(lastUpdateBody(connection).contains(newKey)).isTrue();
        invoke(handler, "testSecret", arn, token);
        invoke(handler, "testSecret", arn, token);
        assertThat(partner.acceptedCalls.get()).isEqualTo(2);
        invoke(handler, "finishSecret", arn, token);

        assertRotated(arn, token, oldVersion);
        assertThat(field(currentJson(arn), "apiKeyValue").equals(newKey)).isTrue();
        int updates = front.requests("UpdateConnection").size();
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret", "finishSecret")) {
            invoke(handler, step, arn, token);
        }
        assertRotated(arn, token, oldVersion);
        assertThat(front.requests("UpdateConnection")).as("re-runs after the rotation touch nothing").hasSize(updates);
        assertThat(output.emfLines()).anySatisfy(line -> assertThat(line).contains("\"RotationStarted\"")
                .contains("\"Connection\":\"" + connection + "\""));
        assertThat(output.emfLines()).anySatisfy(line -> assertThat(line).contains("\"RotationSucceeded\""));
    }

    @Test
    void basicRotationWithOperatorStagedValueAndDirectProbe() {
        String connection = basicConnection("alice", "old-password-1");
        String arn = secret("{\"username\":\"alice\",\"password\":\"old-password-1\"}", tags(connection, partner.url(), null));
        String oldVersion = currentVersion(arn);
        String token = startRotation(arn);
        stagePending(arn, token, "{\"username\":\"alice\",\"password\":\"new-password-2\"}");
        partner.accept("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("alice:new-password-2".getBytes(StandardCharsets.UTF_8)));
        RotationHandler handler = handler("direct");

        runAllStepsTwice(handler, arn, token);

        assertRotated(arn, token, oldVersion);
        assertThat(lastUpdateBody(connection).contains("new-password-2")).isTrue();
        assertThat(partner.acceptedCalls.get()).isEqualTo(2);
    }

    @Test
    void oauthRotationProvedThroughStepFunctionsTestState() {
        String connection = oauthConnection("client-1", "old-client-secret");
        String connectionArn = events.describeConnection(r -> r.name(connection)).connectionArn();
        String arn = secret(oauthJson("client-1", "old-client-secret"), tags(connection, "https://api.example.com/ping", null));
        String oldVersion = currentVersion(arn);
        String token = startRotation(arn);
        stagePending(arn, token, oauthJson("client-1", "new-client-secret"));
        issueTokensFor("client-1", "new-client-secret");
        stubTestState("{\"status\":\"SUCCEEDED\",\"output\":\"{}\"}");
        RotationHandler handler = handler("test-state");

        runAllStepsTwice(handler, arn, token);

        assertRotated(arn, token, oldVersion);
        assertThat(lastUpdateBody(connection).contains("new-client-secret")).isTrue();
        List<LoggedRequest> testStates = testStateRequests();
        assertThat(testStates).hasSize(2);
        String body = testStates.get(0).getBodyAsString();
        assertThat(body).contains(ROLE_ARN).contains("arn:aws:states:::http:invoke")
                .contains(connectionArn).contains("https://api.example.com/ping");
    }

    @Test
    void testSecretAloneStillPutsThePendingCredentialOnTheConnection() {
        StagedRotation rotation = apiKeyRotation("old-key-0002", "new-key-0002", partner.url());
        partner.accept("x-api-key", "new-key-0002");
        RotationHandler handler = handler("direct");

        invoke(handler, "testSecret", rotation);

        assertThat(lastUpdateBody(rotation.connection()).contains("new-key-0002")).isTrue();
        assertThat(partner.acceptedCalls.get()).isEqualTo(1);
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
    }

    @Test
    void configurationTestWithoutStagedValueProvesCurrentWithoutWritingToConnections() {
        String connection = apiKeyConnection("old-key-0017");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0017\"}", tags(connection, partner.url(), null));
        String token = startRotation(arn);
        partner.accept("x-api-key", "old-key-0017");

        // RotateImmediately=false: Secrets Manager runs testSecret alone on a version without a value.
        invoke(handler("direct"), "testSecret", arn, token);

        assertThat(partner.acceptedCalls.get()).isEqualTo(1);
        assertThat(updateBodies(connection).size()).as("a configuration test never writes to a connection").isZero();
    }

    @Test
    void failedConfigurationTestIsNotARollbackOfAPendingCredential() {
        String connection = apiKeyConnection("old-key-0031");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0031\"}", tags(connection, partner.url(), null));
        String token = startRotation(arn);
        partner.answer(401);

        // RotateImmediately=false with a current credential the partner refuses: nothing pending exists, nothing is
        // rolled back; the set-up (the current credential, the connection) is what needs fixing.
        assertThatThrownBy(() -> invoke(handler("direct"), "testSecret", arn, token))
                .isInstanceOf(InvalidRotationException.class)
                .hasMessageContaining("AWSCURRENT").hasMessageContaining(connection).hasMessageContaining("401")
                .hasMessageNotContaining("pending credential").hasMessageNotContaining("rolled back");

        assertThat(updateBodies(connection)).as("a configuration test never writes to a connection").isEmpty();
        assertThat(output.emfLines()).noneSatisfy(line -> assertThat(line).contains("\"RotationRolledBack\""));
        assertThat(output.emfLines()).anySatisfy(line -> assertThat(line).contains("\"RotationFailed\""));
    }

    @Test
    void finishSecretNeverPromotesACredentialAConnectionNoLongerCarries() {
        StagedRotation rotation = apiKeyRotation("old-key-0032", "new-key-0032", partner.url());
        String oldVersion = currentVersion(rotation.arn());
        partner.accept("x-api-key", "new-key-0032");
        RotationHandler handler = handler("direct");
        for (String step : List.of("createSecret", "setSecret", "testSecret")) {
            invoke(handler, step, rotation);
        }
        // A racing invocation of the same rotation (an operator's rotate-secret while this one runs) failed and put
        // the AWSCURRENT credential back after testSecret proved the pending one.
        adopt(rotation.connection(), rotation.arn());

        assertThatThrownBy(() -> invoke(handler, "finishSecret", rotation))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining(rotation.connection());
        assertThat(currentVersion(rotation.arn())).as("nothing promoted").isEqualTo(oldVersion);
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");

        // Secrets Manager's retry starts over: the pending credential is re-applied, re-proven and promoted.
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            invoke(handler, step, rotation);
        }
        assertRotated(rotation.arn(), rotation.token(), oldVersion);
    }

    @Test
    void noFormOfAPlantedSecretOrTokenLeaksWhenEveryPartyEchoesIt() {
        String clientSecret = "pl\"an\\t\u2192\u00fc$x-41";
        String token = "tok\"en\\9\u00e9-77";
        String connection = oauthConnection("client-41", "old-client-secret-41");
        String arn = secret(Json.write(Map.of("clientId", "client-41", "clientSecret", "old-client-secret-41",
                "authorizationEndpoint", tokenUrl())), tags(connection, "https://api.example.com/ping", null));
        String rotationToken = startRotation(arn);
        stagePending(arn, rotationToken, Json.write(Map.of("clientId", "client-41", "clientSecret", clientSecret,
                "authorizationEndpoint", tokenUrl())));
        String basic = Base64.getEncoder().encodeToString(("client-41:" + java.net.URLEncoder.encode(clientSecret,
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        List<String> forms = List.of(clientSecret, token, Json.write(clientSecret), Json.write(token),
                "pl\\\"an", "\\u2192", java.net.URLEncoder.encode(clientSecret, StandardCharsets.UTF_8), basic);
        // The identity provider issues a token and echoes everything; the partner refuses and TestState's cause
        // repeats the token; EventBridge refuses the restore, quoting the request.
        tokenEndpoint.stubFor(WireMock.any(urlPathEqualTo("/oauth2/token")).willReturn(aResponse().withStatus(200)
                .withBody(Json.write(Map.of("access_token", token, "echo", clientSecret, "auth", basic)))));
        stubTestState(Json.write(Map.of("status", "FAILED", "error", "States.Http.StatusCode.401",
                "cause", "{\"ResponseBody\":" + Json.write("token " + token + " secret " + clientSecret) + "}")));
        RotationHandler handler = handler("test-state");
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> invoke(handler, "testSecret", arn, rotationToken));
        String again = RotationStart.begin(secrets, arn);
        stagePending(arn, again, Json.write(Map.of("clientId", "client-41", "clientSecret", clientSecret,
                "authorizationEndpoint", tokenUrl())));
        front.fail("UpdateConnection", 400, "ValidationException", "Value " + Json.write(clientSecret)
                + " at 'authParameters.oAuthParameters.clientParameters.clientSecret' failed to satisfy constraint");
        Throwable invalid = org.assertj.core.api.Assertions.catchThrowable(() -> invoke(handler, "setSecret", arn, again));

        assertThat(refused).isInstanceOf(RotationFailedException.class).hasMessageContaining("States.Http.StatusCode.401");
        assertThat(invalid).isInstanceOf(RotationFailedException.class).hasMessageContaining("ValidationException");
        for (String form : forms) {
            assertThat(refused.getMessage().contains(form) || invalid.getMessage().contains(form))
                    .as("an exception message holds a form of a secret").isFalse();
            assertThat(output.text().contains(form)).as("output holds a form of a secret").isFalse();
        }
    }

    // ------------------------------------------------------------------ failure matrix

    @Test
    void refusedCredentialIsRolledBackEverywhere() {
        StagedRotation rotation = apiKeyRotation("old-key-0003", "bad-key-0003", partner.url());
        String oldVersion = currentVersion(rotation.arn());
        partner.accept("x-api-key", "old-key-0003");
        RotationHandler handler = handler("direct");
        invoke(handler, "createSecret", rotation);
        invoke(handler, "setSecret", rotation);

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(RotationFailedException.class)
                .hasMessageContaining("rolled back").hasMessageContaining("401");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0003")).as("connection back on AWSCURRENT").isTrue();
        assertNoPending(rotation.arn());
        assertThat(currentVersion(rotation.arn())).isEqualTo(oldVersion);
        assertThat(output.emfLines()).anySatisfy(line -> assertThat(line).contains("\"RotationRolledBack\""));
        assertThatThrownBy(() -> invoke(handler, "finishSecret", rotation))
                .as("a rolled-back token can never be finished").isInstanceOf(InvalidRotationException.class)
                .hasMessageContaining("not AWSPENDING");
    }

    @Test
    void unavailableTestEndpointIsTransientAndKeepsThePendingVersion() {
        StagedRotation rotation = apiKeyRotation("old-key-0004", "new-key-0004", partner.url());
        partner.answer(503);
        RotationHandler handler = handler("direct");
        invoke(handler, "createSecret", rotation);
        invoke(handler, "setSecret", rotation);

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("503");

        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
        assertThat(output.emfLines()).noneSatisfy(line -> assertThat(line).contains("\"RotationRolledBack\""));
        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0004"))
                .as("until the retry, the connection is back on the working AWSCURRENT credential").isTrue();
        // The retry succeeds once the partner is back, and the rotation completes.
        partner.accept("x-api-key", "new-key-0004");
        invoke(handler, "testSecret", rotation);
        invoke(handler, "finishSecret", rotation);
        assertThat(field(currentJson(rotation.arn()), "apiKeyValue").equals("new-key-0004")).isTrue();
    }

    @Test
    void slowTestStateStopsInTimeToPutConnectionsBack() {
        StagedRotation rotation = apiKeyRotation("old-key-0016", "new-key-0016", "https://api.example.com/ping");
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.TestState"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"status\":\"SUCCEEDED\"}").withFixedDelay(20_000)));

        // The HTTP Task outlasts what the invocation can give the probe while keeping time for the restore.
        assertThatThrownBy(() -> invoke(handler("test-state"), "testSecret", rotation, Duration.ofSeconds(12)))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("TestState");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0016")).isTrue();
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
    }

    @Test
    void refusalReportedByTestStateRollsBack() {
        StagedRotation rotation = apiKeyRotation("old-key-0005", "bad-key-0005", "https://api.example.com/ping");
        stubTestState("{\"status\":\"FAILED\",\"error\":\"States.Http.StatusCode.401\",\"cause\":\"Unauthorized\"}");
        RotationHandler handler = handler("test-state");

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(RotationFailedException.class).hasMessageContaining("States.Http.StatusCode.401");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0005")).isTrue();
        assertNoPending(rotation.arn());
    }

    @Test
    void testStateRefusedForTheFunctionsRoleIsAConfigurationProblemNotARefusedCredential() {
        assertTestStateErrorKeepsTheRotation("AccessDeniedException", "old-key-0021", "new-key-0021");
    }

    @Test
    void testStateValidationErrorIsAConfigurationProblemNotARefusedCredential() {
        assertTestStateErrorKeepsTheRotation("ValidationException", "old-key-0022", "new-key-0022");
    }

    private void assertTestStateErrorKeepsTheRotation(String errorCode, String oldKey, String newKey) {
        StagedRotation rotation = apiKeyRotation(oldKey, newKey, "https://api.example.com/ping");
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.TestState"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"" + errorCode + "\",\"message\":\"refused\"}")));
        RotationHandler handler = handler("test-state");
        invoke(handler, "setSecret", rotation);

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining(errorCode)
                .hasMessageContaining("states:TestState").hasMessageContaining("iam:PassRole")
                .hasMessageContaining(ROLE_ARN).hasMessageContaining("AWSPENDING is kept")
                .hasMessageNotContaining("rolled back");

        assertThat(tokenStages(rotation)).as("no verdict on the credential: the rotation is kept").contains("AWSPENDING");
        assertThat(lastUpdateBody(rotation.connection()).contains(oldKey)).as("connection back on AWSCURRENT").isTrue();
        assertThat(output.emfLines()).noneSatisfy(line -> assertThat(line).contains("\"RotationRolledBack\""));
    }

    @Test
    void missingConnectionFailsAndRollsBack() {
        String missing = AwsEmulator.uniqueName("rot-missing");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0006\"}", tags(missing, null, null));
        String token = startRotation(arn);
        stagePending(arn, token, "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"new-key-0006\"}");

        assertThatThrownBy(() -> invoke(handler("none"), "setSecret", arn, token))
                .isInstanceOf(RotationFailedException.class).hasMessageContaining(missing).hasMessageContaining("does not exist");
        assertNoPending(arn);
        assertThat(front.requests("UpdateConnection")).isEmpty();
    }

    @Test
    void connectionOfAnotherAuthorizationTypeIsRefused() {
        String connection = basicConnection("alice", "old-password-7");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0007\"}", tags(connection, null, null));
        String token = startRotation(arn);
        stagePending(arn, token, "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"new-key-0007\"}");

        assertThatThrownBy(() -> invoke(handler("none"), "setSecret", arn, token))
                .isInstanceOf(RotationFailedException.class).hasMessageContaining("uses BASIC");
        assertNoPending(arn);
        assertThat(updateBodies(connection)).isEmpty();
    }

    @Test
    void throttledUpdateConnectionIsRetriedBySdk() {
        StagedRotation rotation = apiKeyRotation("old-key-0008", "new-key-0008", null);
        String target = "AWSEvents.UpdateConnection";
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-Amz-Target", equalTo(target))
                .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("throttled")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")));

        invoke(handler("none"), "setSecret", rotation);

        assertThat(updateBodies(rotation.connection())).hasSize(2);
        assertThat(lastUpdateBody(rotation.connection()).contains("new-key-0008")).isTrue();
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
    }

    @Test
    void connectionMidChangeIsRetryableAndUntouched() {
        StagedRotation rotation = apiKeyRotation("old-key-0013", "new-key-0013", null);
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .withRequestBody(containing("\"" + rotation.connection() + "\""))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(updatingConnection(rotation))));

        assertThatThrownBy(() -> invoke(handler("none", 1), "setSecret", rotation))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("UPDATING")
                .hasMessageContaining("still UPDATING when the wait ran out");
        assertThat(front.requests("UpdateConnection")).as("a connection that never settles is never written to").isEmpty();
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
    }

    @Test
    void setSecretRerunFailingOnAConnectionMidChangePutsItBackOnCurrent() {
        StagedRotation rotation = apiKeyRotation("old-key-0018", "new-key-0018", null);
        RotationHandler handler = handler("none");
        invoke(handler, "setSecret", rotation);
        assertThat(lastUpdateBody(rotation.connection()).contains("new-key-0018")).isTrue();
        // The re-run's pre-check sees the connection mid-change; it settles while the step restores.
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .withRequestBody(containing("\"" + rotation.connection() + "\""))
                .inScenario("mid-change").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("settled")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(updatingConnection(rotation))));

        assertThatThrownBy(() -> invoke(handler, "setSecret", rotation))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("UPDATING")
                .hasMessageNotContaining("incomplete");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0018"))
                .as("the pending credential the first run put on the connection is taken off again").isTrue();
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
    }

    @Test
    void setSecretRerunThatCannotDescribeConnectionsReportsWhatWasNotRestored() {
        StagedRotation rotation = apiKeyRotation("old-key-0019", "new-key-0019", null);
        RotationHandler handler = handler("none");
        invoke(handler, "setSecret", rotation);
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"AccessDeniedException\",\"message\":\"not allowed\"}")));

        assertThatThrownBy(() -> invoke(handler, "setSecret", rotation))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("AccessDeniedException")
                .hasMessageContaining("restoring AWSCURRENT was incomplete")
                .hasMessageContaining("connection " + rotation.connection() + " could not be restored");
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
    }

    @Test
    void secondConnectionFailingRollsBackTheFirstToo() {
        String first = apiKeyConnection("old-key-0009");
        String second = apiKeyConnection("old-key-0009");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0009\"}",
                tags(first + "," + second, null, null));
        String oldVersion = currentVersion(arn);
        String token = startRotation(arn);
        stagePending(arn, token, "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"new-key-0009\"}");
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.UpdateConnection"))
                .withRequestBody(containing("\"" + second + "\"")).withRequestBody(containing("new-key-0009"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"AccessDeniedException\",\"message\":\"not allowed\"}")));

        assertThatThrownBy(() -> invoke(handler("none"), "setSecret", arn, token))
                .isInstanceOf(RotationFailedException.class).hasMessageContaining(second)
                .hasMessageContaining("AccessDeniedException").hasMessageNotContaining("incomplete");

        assertThat(lastUpdateBody(first).contains("old-key-0009")).as("first connection back on AWSCURRENT").isTrue();
        assertThat(updateBodies(first).stream().anyMatch(b -> b.contains("new-key-0009"))).isTrue();
        assertThat(lastUpdateBody(second).contains("old-key-0009")).isTrue();
        assertNoPending(arn);
        assertThat(currentVersion(arn)).isEqualTo(oldVersion);
    }

    @Test
    void pendingGeneratorWithoutStagedValueTellsTheOperatorTheCommand() {
        String connection = apiKeyConnection("old-key-0010");
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0010\"}", tags(connection, null, "pending"));
        String token = startRotation(arn);

        assertThatThrownBy(() -> invoke(handler("none"), "createSecret", arn, token))
                .isInstanceOf(InvalidRotationException.class)
                .hasMessageContaining("aws secretsmanager put-secret-value --secret-id '" + arn + "'")
                .hasMessageContaining("--client-request-token " + token)
                .hasMessageContaining("--version-stages AWSPENDING");
        assertThat(stagesOf(arn, token)).as("the operator can still stage under this token").containsExactly("AWSPENDING");
        assertThat(front.requests("UpdateConnection")).isEmpty();
    }

    @Test
    void randomGeneratorRefusesOAuthClientSecrets() {
        String connection = oauthConnection("client-2", "old-client-secret-2");
        String arn = secret(oauthJson("client-2", "old-client-secret-2"), tags(connection, null, "random"));
        String token = startRotation(arn);

        assertThatThrownBy(() -> invoke(handler("none"), "createSecret", arn, token))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("identity provider");
    }

    @Test
    void guardsRefuseUnknownTokensAndSecretsWithoutRotation() {
        String connection = apiKeyConnection("old-key-0011");
        String notRotating = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0011\"}", tags(connection, null, null));
        assertThatThrownBy(() -> invoke(handler("none"), "createSecret", notRotating, UUID.randomUUID().toString()))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("rotation enabled");

        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"old-key-0011\"}", tags(connection, null, null));
        startRotation(arn);
        assertThatThrownBy(() -> invoke(handler("none"), "setSecret", arn, UUID.randomUUID().toString()))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("not a version of this secret");
    }

    @Test
    void testStateModeWithoutRoleFailsBeforeThePendingCredentialReachesConnections() {
        StagedRotation rotation = apiKeyRotation("old-key-0012", "new-key-0012", "https://api.example.com/ping");
        Map<String, String> env = Map.of("AWS_REGION", AwsEmulator.REGION.id(), "STEPCONNECT_TEST_MODE", "test-state");

        assertThatThrownBy(() -> invoke(new RotationHandler(new Environment(env), front.clients()), "testSecret", rotation))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("STEPCONNECT_TEST_ROLE_ARN");
        // The rotation.connection() may be re-put on AWSCURRENT (testSecret cannot see whether setSecret ran), never on the new key.
        assertThat(updateBodies(rotation.connection())).allSatisfy(body -> assertThat(body.contains("old-key-0012")).isTrue());
    }

    @Test
    void testSecretFailingAfterSetSecretPutsConnectionsBackOnCurrent() {
        StagedRotation rotation = apiKeyRotation("old-key-0014", "new-key-0014", "https://api.example.com/ping");
        Map<String, String> env = Map.of("AWS_REGION", AwsEmulator.REGION.id(), "STEPCONNECT_TEST_MODE", "test-state");
        RotationHandler handler = new RotationHandler(new Environment(env), front.clients());
        invoke(handler, "setSecret", rotation);
        assertThat(lastUpdateBody(rotation.connection()).contains("new-key-0014")).isTrue();

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("STEPCONNECT_TEST_ROLE_ARN");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0014"))
                .as("the unproven credential setSecret put on the connection is taken off again").isTrue();
        assertThat(tokenStages(rotation)).as("the operator can fix the setting and retry").containsExactly("AWSPENDING");
    }

    @Test
    void redirectIsNoProofOfTheCredential() {
        StagedRotation rotation = apiKeyRotation("old-key-0015", "bad-key-0015", partner.url());
        partner.answer(302);

        assertThatThrownBy(() -> invoke(handler("direct"), "testSecret", rotation))
                .isInstanceOf(RotationFailedException.class).hasMessageContaining("302");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0015")).isTrue();
        assertNoPending(rotation.arn());
    }

    @Test
    void invalidConfigurationFailsAtInit() {
        Map<String, String> env = Map.of("AWS_REGION", AwsEmulator.REGION.id(), "STEPCONNECT_TEST_MODE", "smoke");
        assertThatThrownBy(() -> new RotationHandler(new Environment(env), front.clients()))
                .isInstanceOf(dev.stepconnect.config.ConfigurationException.class)
                .hasMessageContaining("STEPCONNECT_TEST_MODE");
    }

    @Test
    void malformedEventsFailClearly() {
        RotationHandler handler = handler("none");
        assertThatThrownBy(() -> handler.handleRequest(stream("[1,2]"), new ByteArrayOutputStream(), new TestContext()))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("not a Secrets Manager rotation event");
        assertThatThrownBy(() -> handler.handleRequest(stream("{\"Step\":\"rotateAll\",\"SecretId\":\"s\",\"ClientRequestToken\":\"t\"}"),
                new ByteArrayOutputStream(), new TestContext()))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("unknown rotation Step");
    }

    // ------------------------------------------------------------------ OAuth: the client secret itself is proven (#13 §1)

    @Test
    void oauthClientSecretRefusedByTheAuthorizationEndpointRollsBack() {
        StagedRotation rotation = oauthRotation("client-3", "old-client-secret-3", "bad-client-secret-3");
        issueTokensFor("client-3", "old-client-secret-3");
        stubTestState("{\"status\":\"SUCCEEDED\",\"output\":\"{}\"}");
        RotationHandler handler = handler("test-state");
        invoke(handler, "setSecret", rotation);

        // The connection alone would have passed (TestState succeeds on the old token): the token request decides.
        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(RotationFailedException.class).hasMessageContaining("rolled back")
                .hasMessageContaining("invalid_client").hasMessageNotContaining("client authentication failed");

        assertThat(lastUpdateBody(rotation.connection()).contains("old-client-secret-3")).isTrue();
        assertNoPending(rotation.arn());
        assertThat(testStateRequests()).as("no probe through the connection after a refused secret").isEmpty();
    }

    @Test
    void oauthAuthorizationEndpointFailingWith5xxIsTransient() {
        StagedRotation rotation = oauthRotation("client-4", "old-client-secret-4", "new-client-secret-4");
        tokenEndpoint.stubFor(WireMock.any(urlPathEqualTo("/oauth2/token"))
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":\"temporarily_unavailable\"}")));

        assertThatThrownBy(() -> invoke(handler("direct"), "testSecret", rotation))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("503");

        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
        assertThat(lastUpdateBody(rotation.connection()).contains("old-client-secret-4")).isTrue();
        assertThat(output.emfLines()).noneSatisfy(line -> assertThat(line).contains("\"RotationRolledBack\""));
    }

    @Test
    void oauthAuthorizationEndpointTimingOutIsTransient() {
        StagedRotation rotation = oauthRotation("client-5", "old-client-secret-5", "new-client-secret-5");
        tokenEndpoint.stubFor(WireMock.any(urlPathEqualTo("/oauth2/token"))
                .willReturn(aResponse().withStatus(200).withBody("{\"access_token\":\"late\"}").withFixedDelay(15_000)));

        // A short invocation: the token request is cut off in time to put the connection back.
        assertThatThrownBy(() -> invoke(handler("direct"), "testSecret", rotation, Duration.ofSeconds(9)))
                .isInstanceOf(RotationRetryableException.class).hasMessageContaining("authorization endpoint");

        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
        assertThat(lastUpdateBody(rotation.connection()).contains("old-client-secret-5")).isTrue();
    }

    @Test
    void rotationResendsTheConnectionsParametersAndTheTokenRequestUsesThem() {
        String connection = AwsEmulator.uniqueName("rot-conn");
        knownSecrets.add("old-client-secret-6");
        events.createConnection(r -> r.name(connection).authorizationType(ConnectionAuthorizationType.OAUTH_CLIENT_CREDENTIALS)
                .authParameters(a -> a.oAuthParameters(o -> o.authorizationEndpoint(tokenUrl()).httpMethod("POST")
                                .clientParameters(c -> c.clientID("client-6").clientSecret("old-client-secret-6"))
                                .oAuthHttpParameters(p -> p.bodyParameters(b -> b.key("scope").value("orders.read").isValueSecret(false))
                                        .headerParameters(h -> h.key("X-Audience").value("orders-api").isValueSecret(false))))
                        .invocationHttpParameters(p -> p.headerParameters(h -> h.key("X-Team").value("team-a").isValueSecret(false)))));
        String arn = secret(oauthJson("client-6", "old-client-secret-6"), tags(connection, null, null));
        String token = startRotation(arn);
        stagePending(arn, token, oauthJson("client-6", "new-client-secret-6"));
        issueTokensFor("client-6", "new-client-secret-6");
        RotationHandler handler = handler("direct");

        invoke(handler, "setSecret", arn, token);
        invoke(handler, "testSecret", arn, token);

        JsonObject auth = Json.parseObject(lastUpdateBody(connection)).object("AuthParameters").orElseThrow();
        JsonObject oauth = auth.object("OAuthParameters").orElseThrow();
        assertThat(oauth.object("OAuthHttpParameters").orElseThrow().objects("BodyParameters"))
                .anySatisfy(p -> assertThat(p.string("Key")).contains("scope"));
        assertThat(oauth.object("OAuthHttpParameters").orElseThrow().objects("HeaderParameters"))
                .anySatisfy(p -> assertThat(p.string("Value")).contains("orders-api"));
        assertThat(auth.object("InvocationHttpParameters").orElseThrow().objects("HeaderParameters"))
                .anySatisfy(p -> assertThat(p.string("Value")).contains("team-a"));
        assertThat(oauth.string("AuthorizationEndpoint")).contains(tokenUrl());
        String description = Json.parseObject(lastUpdateBody(connection)).string("Description").orElse("");
        assertThat(description).as("the owner's text is kept").startsWith("partner API ");
        assertThat(ConnectionMarker.find(description)).hasValueSatisfying(marker -> {
            assertThat(marker.namesSource(arn)).isTrue();
            assertThat(marker.carriesVersion(token)).as("the marker records the version the connection carries").isTrue();
        });
        List<LoggedRequest> tokenRequests = tokenEndpoint.findAll(WireMock.postRequestedFor(urlPathEqualTo("/oauth2/token")));
        assertThat(tokenRequests).hasSize(1);
        assertThat(tokenRequests.get(0).getBodyAsString()).contains("grant_type=client_credentials").contains("scope=orders.read");
        assertThat(tokenRequests.get(0).getHeader("X-Audience")).isEqualTo("orders-api");
        assertThat(tokenStages(new StagedRotation(connection, arn, token))).containsExactly("AWSPENDING");
    }

    // ------------------------------------------------------------------ what rotation sends to EventBridge (#13 §2)

    @Test
    void concurrentModificationIsRetriedAndNeverRollsBack() {
        StagedRotation rotation = apiKeyRotation("old-key-0031", "new-key-0031", null);
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.UpdateConnection"))
                .inScenario("conflict").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("settled")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                        .withBody("{\"__type\":\"ConcurrentModificationException\",\"message\":\"another update is in progress\"}")));

        invoke(handler("none"), "setSecret", rotation);

        assertThat(updateBodies(rotation.connection())).hasSize(2);
        assertThat(lastUpdateBody(rotation.connection()).contains("new-key-0031")).isTrue();
        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
        assertThat(output.emfLines()).noneSatisfy(line -> assertThat(line).contains("\"RotationFailed\""));
    }

    @Test
    void testStateRoleLackingAPermissionIsConfigurationNotARefusedCredential() {
        StagedRotation rotation = apiKeyRotation("old-key-0032", "new-key-0032", "https://api.example.com/ping");
        stubTestState("{\"status\":\"FAILED\",\"error\":\"States.Permissions\",\"cause\":\"User is not authorized to"
                + " perform: events:RetrieveConnectionCredentials on resource: connection\"}");
        RotationHandler handler = handler("test-state");
        invoke(handler, "setSecret", rotation);

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("States.Permissions")
                .hasMessageContaining("events:RetrieveConnectionCredentials").hasMessageContaining(ROLE_ARN)
                .hasMessageContaining("AWSPENDING is kept").hasMessageNotContaining("rolled back");

        assertThat(tokenStages(rotation)).containsExactly("AWSPENDING");
        assertThat(lastUpdateBody(rotation.connection()).contains("old-key-0032")).as("connection back on AWSCURRENT").isTrue();
        assertThat(output.emfLines()).noneSatisfy(line -> assertThat(line).contains("\"RotationRolledBack\""));
    }

    // ------------------------------------------------------------------ only the secret's own connections (#10.2)

    @Test
    void connectionThatDoesNotNameTheSecretIsRefusedAndUntouched() {
        String own = apiKeyConnection("old-key-0033");
        String foreign = apiKeyConnection("their-key-0033");
        String otherSecret = secret(apiKeyJson("their-key-0033"), tags(foreign, null, null));
        String arn = secretNamingItsOwnConnectionsOnly(apiKeyJson("old-key-0033"), tags(own + "," + foreign, null, null), own);
        String token = startRotation(arn);
        stagePending(arn, token, apiKeyJson("new-key-0033"));
        String foreignDescription = events.describeConnection(r -> r.name(foreign)).description();

        for (String step : List.of("setSecret", "testSecret")) {
            assertThatThrownBy(() -> invoke(handler("none"), step, arn, token))
                    .isInstanceOf(InvalidRotationException.class).hasMessageContaining("connection " + foreign)
                    .hasMessageContaining("does not name this secret");
        }

        assertThat(updateBodies(foreign)).as("nothing is ever written to another secret's connection").isEmpty();
        assertThat(events.describeConnection(r -> r.name(foreign)).description()).isEqualTo(foreignDescription);
        assertThat(updateBodies(own)).noneSatisfy(body -> assertThat(body.contains("new-key-0033")).isTrue());
        assertThat(tokenStages(new StagedRotation(own, arn, token))).containsExactly("AWSPENDING");
        assertThat(otherSecret).isNotEqualTo(arn);
    }

    @Test
    void connectionWithoutAnyMarkerIsRefusedAndUntouched() {
        String unmarked = apiKeyConnection("old-key-0034");
        String arn = secretNamingItsOwnConnectionsOnly(apiKeyJson("old-key-0034"), tags(unmarked, null, null));
        String token = startRotation(arn);
        stagePending(arn, token, apiKeyJson("new-key-0034"));

        assertThatThrownBy(() -> invoke(handler("direct"), "testSecret", arn, token))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("connection " + unmarked);

        assertThat(updateBodies(unmarked)).isEmpty();
    }

    // ------------------------------------------------------------------ Secrets Manager restarts from createSecret (#13 §3)

    @Test
    void rotationRestartedFromCreateSecretAfterTransientAndConfigurationFailuresCompletes() {
        String connection = apiKeyConnection("old-key-0035");
        String arn = secret(apiKeyJson("old-key-0035"), tags(connection, partner.url(), "random"));
        String oldVersion = currentVersion(arn);
        String token = startRotation(arn);
        RotationHandler direct = handler("direct");
        invoke(direct, "createSecret", arn, token);
        String pending = pendingJson(arn, token);
        knownSecrets.add(field(pending, "apiKeyValue"));

        // 1. transient: the partner is down during testSecret.
        partner.answer(503);
        invoke(direct, "setSecret", arn, token);
        assertThatThrownBy(() -> invoke(direct, "testSecret", arn, token)).isInstanceOf(RotationRetryableException.class);
        // 2. configuration: the TestState role lacks a permission (the operator then switches to direct).
        stubTestState("{\"status\":\"FAILED\",\"error\":\"Events.ConnectionResource.AccessDenied\",\"cause\":\"denied\"}");
        RotationHandler testState = handler("test-state");
        invoke(testState, "createSecret", arn, token);
        invoke(testState, "setSecret", arn, token);
        assertThatThrownBy(() -> invoke(testState, "testSecret", arn, token)).isInstanceOf(InvalidRotationException.class);

        // Secrets Manager's retry starts over with the same token: the staged value is kept, never re-minted.
        partner.accept("x-api-key", field(pending, "apiKeyValue"));
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            invoke(direct, step, arn, token);
        }
        assertThat(pendingJson(arn, token).equals(pending)).as("one value per token").isTrue();
        assertRotated(arn, token, oldVersion);
    }

    @Test
    void rotationRestartedFromCreateSecretAfterARollbackChangesNothing() {
        StagedRotation rotation = apiKeyRotation("old-key-0036", "bad-key-0036", partner.url());
        String oldVersion = currentVersion(rotation.arn());
        partner.accept("x-api-key", "old-key-0036");
        RotationHandler handler = handler("direct");
        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation)).isInstanceOf(RotationFailedException.class);
        int updates = updateBodies(rotation.connection()).size();

        assertThatThrownBy(() -> invoke(handler, "createSecret", rotation))
                .isInstanceOf(InvalidRotationException.class).hasMessageContaining("not AWSPENDING");

        assertThat(updateBodies(rotation.connection())).hasSize(updates);
        assertThat(currentVersion(rotation.arn())).isEqualTo(oldVersion);
        assertNoPending(rotation.arn());
    }

    @Test
    void pendingGeneratorRestartedBeforeAndAfterTheOperatorStagesTheValue() {
        String connection = apiKeyConnection("old-key-0037");
        String arn = secret(apiKeyJson("old-key-0037"), tags(connection, null, "pending"));
        String token = startRotation(arn);
        RotationHandler handler = handler("none");
        assertThatThrownBy(() -> invoke(handler, "createSecret", arn, token)).isInstanceOf(InvalidRotationException.class);
        assertThatThrownBy(() -> invoke(handler, "createSecret", arn, token)).isInstanceOf(InvalidRotationException.class);

        stagePending(arn, token, apiKeyJson("new-key-0037"));
        invoke(handler, "createSecret", arn, token);
        invoke(handler, "setSecret", arn, token);

        assertThat(field(pendingJson(arn, token), "apiKeyValue").equals("new-key-0037")).isTrue();
        assertThat(lastUpdateBody(connection).contains("new-key-0037")).isTrue();
    }

    // ------------------------------------------------------------------ secret deleted mid-rotation (#10.7)

    @Test
    void secretDeletedBetweenSetSecretAndTestSecretNamesWhatTheConnectionCarries() {
        StagedRotation rotation = apiKeyRotation("old-key-0038", "new-key-0038", null);
        RotationHandler handler = handler("none");
        invoke(handler, "setSecret", rotation);
        int updates = updateBodies(rotation.connection()).size();
        secrets.deleteSecret(r -> r.secretId(rotation.arn()).recoveryWindowInDays(7L));

        assertThatThrownBy(() -> invoke(handler, "testSecret", rotation))
                .isInstanceOf(RotationException.class).hasMessageContaining("scheduled for deletion")
                .hasMessageContaining("connection " + rotation.connection())
                .hasMessageContaining("carries the unproven pending credential (version " + rotation.token() + ")")
                .hasMessageNotContaining("new-key-0038").hasMessageNotContaining("old-key-0038");

        assertThat(updateBodies(rotation.connection())).as("nothing readable to restore from").hasSize(updates);
        assertThat(output.emfLines()).anySatisfy(line -> assertThat(line).contains("\"RotationFailed\"")
                .contains("\"Connection\":\"" + rotation.connection() + "\""));
    }

    // ------------------------------------------------------------------ helpers

    private RotationHandler handler(String testMode) {
        return handler(testMode, 20);
    }

    private RotationHandler handler(String testMode, int waitSeconds) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", AwsEmulator.REGION.id());
        env.put("STEPCONNECT_TEST_MODE", testMode);
        env.put("STEPCONNECT_TEST_ROLE_ARN", ROLE_ARN);
        env.put("STEPCONNECT_WAIT_SECONDS", String.valueOf(waitSeconds));
        return new RotationHandler(new Environment(env), front.clients());
    }

    private void runAllStepsTwice(RotationHandler handler, String arn, String token) {
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            invoke(handler, step, arn, token);
            invoke(handler, step, arn, token);
        }
    }

    private static void invoke(RotationHandler handler, String step, String arn, String token) {
        invoke(handler, step, arn, token, Duration.ofMinutes(2));
    }

    private static void invoke(RotationHandler handler, String step, StagedRotation rotation) {
        invoke(handler, step, rotation, Duration.ofMinutes(2));
    }

    private static void invoke(RotationHandler handler, String step, StagedRotation rotation, Duration timeLeft) {
        invoke(handler, step, rotation.arn(), rotation.token(), timeLeft);
    }

    private static void invoke(RotationHandler handler, String step, String arn, String token, Duration timeLeft) {
        String event = Json.write(Map.of("Step", step, "SecretId", arn, "ClientRequestToken", token,
                "RotationToken", UUID.randomUUID().toString()));
        handler.handleRequest(stream(event), new ByteArrayOutputStream(), new TestContext(timeLeft));
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, String> tags(String connections, String testEndpoint, String generator) {
        Map<String, String> tags = new HashMap<>();
        tags.put("stepconnect:connection", connections);
        if (testEndpoint != null) {
            tags.put("stepconnect:test-endpoint", testEndpoint);
        }
        if (generator != null) {
            tags.put("stepconnect:generator", generator);
        }
        return tags;
    }

    private String secret(String json, Map<String, String> tags) {
        return secretNamingItsOwnConnectionsOnly(json, tags, tags.get("stepconnect:connection").split(","));
    }

    /** A secret whose tag names {@code tags}' connections, of which only {@code adopted} name it as their source. */
    private String secretNamingItsOwnConnectionsOnly(String json, Map<String, String> tags, String... adopted) {
        rememberSecretValues(json);
        Map<String, String> withOptIn = new HashMap<>(tags);
        withOptIn.putIfAbsent("stepconnect:credentials", "true");
        List<Tag> tagList = withOptIn.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        String arn = secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("rot-secret")).secretString(json).tags(tagList)).arn();
        for (String connection : adopted) {
            adopt(connection, arn);
        }
        return arn;
    }

    /**
     * The connection owner's one command (docs/rotation.md): the Description marker names the secret as the
     * connection's source, which is what lets rotation write to it. Sent straight to the emulator, not
     * through the recording front, so the tests' UpdateConnection records are rotation's alone.
     */
    private void adopt(String connection, String secretArn) {
        boolean exists = events.listConnections(r -> r.namePrefix(connection)).connections().stream()
                .anyMatch(c -> c.name().equals(connection));
        if (exists) {
            String marker = new ConnectionMarker(null, null, null, null).carrying(secretArn, currentVersion(secretArn)).render();
            events.updateConnection(r -> r.name(connection).description("partner API " + marker));
        }
    }

    private String startRotation(String arn) {
        String current = currentVersion(arn);
        String token = RotationStart.begin(secrets, arn);
        assertThat(stagesOf(arn, token)).containsExactly("AWSPENDING");
        assertThat(stagesOf(arn, current)).containsExactly("AWSCURRENT");
        assertThat(secrets.describeSecret(r -> r.secretId(arn)).rotationEnabled()).isTrue();
        return token;
    }

    /** An API_KEY secret feeding one new connection, with a rotation started and {@code newKey} staged under its token. */
    private StagedRotation apiKeyRotation(String oldKey, String newKey, String testEndpoint) {
        String connection = apiKeyConnection(oldKey);
        String arn = secret(apiKeyJson(oldKey), tags(connection, testEndpoint, null));
        String token = startRotation(arn);
        stagePending(arn, token, apiKeyJson(newKey));
        return new StagedRotation(connection, arn, token);
    }

    private record StagedRotation(String connection, String arn, String token) {
    }

    /** An OAuth secret feeding one new connection, with a rotation started and {@code newSecret} staged. */
    private StagedRotation oauthRotation(String clientId, String oldSecret, String newSecret) {
        String connection = oauthConnection(clientId, oldSecret);
        String arn = secret(oauthJson(clientId, oldSecret), tags(connection, partner.url(), null));
        String token = startRotation(arn);
        stagePending(arn, token, oauthJson(clientId, newSecret));
        return new StagedRotation(connection, arn, token);
    }

    /** DescribeConnection's answer for the rotation's connection while it is UPDATING (it follows the secret). */
    private String updatingConnection(StagedRotation rotation) {
        String marker = new ConnectionMarker(null, null, null, null).carrying(rotation.arn(), currentVersion(rotation.arn())).render();
        return Json.write(Map.of("Name", rotation.connection(), "ConnectionArn", "arn:aws:events:us-east-1:123456789012:connection/"
                + rotation.connection() + "/x", "ConnectionState", "UPDATING", "AuthorizationType", "API_KEY", "Description", marker));
    }

    private static String apiKeyJson(String value) {
        return "{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"" + value + "\"}";
    }

    /** The operator's bring-your-own step (docs/rotation.md). */
    private void stagePending(String arn, String token, String json) {
        rememberSecretValues(json);
        secrets.putSecretValue(r -> r.secretId(arn).clientRequestToken(token).secretString(json).versionStages("AWSPENDING"));
    }

    private void rememberSecretValues(String json) {
        for (String key : List.of("apiKeyValue", "password", "clientSecret")) {
            Object value = Json.parseObject(json).raw(key);
            if (value instanceof String s) {
                knownSecrets.add(s);
            }
        }
    }

    private String apiKeyConnection(String key) {
        knownSecrets.add(key);
        String name = AwsEmulator.uniqueName("rot-conn");
        events.createConnection(r -> r.name(name).authorizationType(ConnectionAuthorizationType.API_KEY)
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-api-key").apiKeyValue(key))));
        return name;
    }

    private String basicConnection(String user, String password) {
        knownSecrets.add(password);
        String name = AwsEmulator.uniqueName("rot-conn");
        events.createConnection(r -> r.name(name).authorizationType(ConnectionAuthorizationType.BASIC)
                .authParameters(a -> a.basicAuthParameters(b -> b.username(user).password(password))));
        return name;
    }

    private String oauthConnection(String clientId, String clientSecret) {
        knownSecrets.add(clientSecret);
        String name = AwsEmulator.uniqueName("rot-conn");
        events.createConnection(r -> r.name(name).authorizationType(ConnectionAuthorizationType.OAUTH_CLIENT_CREDENTIALS)
                .authParameters(a -> a.oAuthParameters(o -> o.authorizationEndpoint(tokenUrl())
                        .httpMethod("POST").clientParameters(c -> c.clientID(clientId).clientSecret(clientSecret)))));
        return name;
    }

    private String tokenUrl() {
        return "http://127.0.0.1:" + tokenEndpoint.port() + "/oauth2/token";
    }

    private String oauthJson(String clientId, String clientSecret) {
        return "{\"clientId\":\"" + clientId + "\",\"clientSecret\":\"" + clientSecret + "\",\"authorizationEndpoint\":\""
                + tokenUrl() + "\"}";
    }

    /** The identity provider: a token for {@code clientId}/{@code clientSecret} sent as HTTP Basic, invalid_client otherwise. */
    private void issueTokensFor(String clientId, String clientSecret) {
        tokenEndpoint.stubFor(WireMock.any(urlPathEqualTo("/oauth2/token")).atPriority(9)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_client\",\"error_description\":\"client authentication failed\"}")));
        tokenEndpoint.stubFor(WireMock.any(urlPathEqualTo("/oauth2/token")).atPriority(1)
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder().encodeToString(
                        (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8))))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"issued-token-7f3a9c\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        knownSecrets.add("issued-token-7f3a9c");
    }

    private void stubTestState(String body) {
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.TestState"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", AwsJsonStub.JSON_1_0).withBody(body)));
    }

    private List<LoggedRequest> testStateRequests() {
        return front.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.TestState")));
    }

    private List<String> updateBodies(String connection) {
        return front.requests("UpdateConnection").stream().map(LoggedRequest::getBodyAsString)
                .filter(body -> Json.parseObject(body).string("Name").orElse("").equals(connection))
                .collect(Collectors.toList());
    }

    private String lastUpdateBody(String connection) {
        List<String> bodies = updateBodies(connection);
        assertThat(bodies.size()).as("UpdateConnection calls for " + connection).isPositive();
        return bodies.get(bodies.size() - 1);
    }

    private String currentVersion(String arn) {
        return versions(arn).stream().filter(v -> v.versionStages().contains("AWSCURRENT")).findFirst().orElseThrow().versionId();
    }

    private List<String> tokenStages(StagedRotation rotation) {
        return stagesOf(rotation.arn(), rotation.token());
    }

    private List<String> stagesOf(String arn, String version) {
        return versions(arn).stream().filter(v -> v.versionId().equals(version)).findFirst()
                .map(SecretVersionsListEntry::versionStages).orElse(List.of());
    }

    private List<SecretVersionsListEntry> versions(String arn) {
        return secrets.listSecretVersionIds(r -> r.secretId(arn).includeDeprecated(true)).versions();
    }

    private void assertNoPending(String arn) {
        assertThat(versions(arn)).noneSatisfy(v -> assertThat(v.versionStages()).contains("AWSPENDING"));
    }

    private void assertRotated(String arn, String token, String oldVersion) {
        assertThat(stagesOf(arn, token)).containsExactly("AWSCURRENT");
        assertThat(stagesOf(arn, oldVersion)).containsExactly("AWSPREVIOUS");
        assertNoPending(arn);
    }

    private String pendingJson(String arn, String token) {
        return secrets.getSecretValue(r -> r.secretId(arn).versionId(token)).secretString();
    }

    private String currentJson(String arn) {
        return secrets.getSecretValue(r -> r.secretId(arn).versionStage("AWSCURRENT")).secretString();
    }

    private static String field(String json, String key) {
        return Json.parseObject(json).string(key).orElse(null);
    }

    /** The partner API: answers 200 when the expected header carries the accepted value, else 401. */
    private static final class PartnerApi implements AutoCloseable {
        private final HttpServer server;
        private final AtomicReference<String[]> accepted = new AtomicReference<>(new String[] {"x-none", "none"});
        private final AtomicInteger fixedStatus = new AtomicInteger(0);
        private final AtomicInteger acceptedCalls = new AtomicInteger();
        private final List<Integer> answers = new CopyOnWriteArrayList<>();

        PartnerApi() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/ping", exchange -> {
                String[] expected = accepted.get();
                int status = fixedStatus.get() != 0 ? fixedStatus.get()
                        : expected[1].equals(exchange.getRequestHeaders().getFirst(expected[0])) ? 200 : 401;
                if (status == 200) {
                    acceptedCalls.incrementAndGet();
                }
                answers.add(status);
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/ping";
        }

        void accept(String header, String value) {
            fixedStatus.set(0);
            accepted.set(new String[] {header, value});
        }

        void answer(int status) {
            fixedStatus.set(status);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
