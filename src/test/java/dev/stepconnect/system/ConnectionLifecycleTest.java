package dev.stepconnect.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.config.Environment;
import dev.stepconnect.connection.ConnectionProviderHandler;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.guardian.DeauthorizedConnection;
import dev.stepconnect.guardian.GuardianHandler;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.rotation.RotationHandler;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.CloudFormationStub;
import dev.stepconnect.testing.ResponseReceiver;
import dev.stepconnect.testing.RotationStart;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The three connection features as one system, with the real handlers built from an environment as Lambda
 * builds them: the custom resource creates a connection linked for rotation, the guardian's schedule
 * watches it through an operator's put-secret-value, a full rotation, a deauthorization and the stack's
 * delete. EventBridge is fronted by a recording proxy (every write is visible, and DescribeConnection can
 * be answered DEAUTHORIZED, which the emulator cannot do); CloudFormation is the HTTP-level stub.
 */
@ExtendWith(AwsEmulator.class)
class ConnectionLifecycleTest {
    private static final String ACCOUNT = "123456789012";
    private static final String LOGICAL_ID = "PartnerConnection";
    private static final String TYPE = "Custom::EventBridgeConnection";

    private final ResponseReceiver receiver = new ResponseReceiver();
    private final CloudFormationStub cloudFormation = new CloudFormationStub();
    private final AwsJsonStub events = new AwsJsonStub("AWSEvents");
    private final List<String> values = new ArrayList<>();
    private final String stackId = "arn:aws:cloudformation:us-east-1:" + ACCOUNT + ":stack/lifecycle-"
            + UUID.randomUUID().toString().substring(0, 8) + "/" + UUID.randomUUID();
    private SecretsManagerClient secrets;
    private EventBridgeClient eventBridge;
    private CapturedOutput output;

    @BeforeEach
    void setUp() {
        events.proxyUnmatchedTo(AwsEmulator.endpoint());
        secrets = AwsEmulator.clients().secretsManager();
        eventBridge = AwsEmulator.clients().eventBridge();
        output = CapturedOutput.start();
    }

    @AfterEach
    void tearDown() {
        output.close();
        String printed = output.text();
        for (String value : values) {
            assertThat(printed.contains(value)).as("a credential was printed").isFalse();
        }
        receiver.close();
        cloudFormation.close();
        events.close();
        secrets.close();
        eventBridge.close();
    }

    @Test
    void createDriftRotationDeauthorizationAndDeleteAsOneSystem() {
        String connection = AwsEmulator.uniqueName("lifecycle");
        String secret = secret("key-created-" + UUID.randomUUID());

        // 1. The stack creates the connection, linked for rotation.
        JsonObject created = provider("Create", null, connection, secret);
        assertThat(created.string("Status")).as(created.asMap().toString()).contains("SUCCESS");
        assertThat(tags(secret)).containsEntry("stepconnect:connection", connection);
        assertThat(marker(connection).carriesVersion(current(secret))).as("the provider records the version").isTrue();

        // 2. Healthy and in sync: the schedule writes nothing.
        JsonObject first = onlyOutcome(scheduled(), connection);
        assertThat(first.string("action")).contains("NONE");
        assertThat(updates(connection)).isEmpty();

        // 3. An operator puts a new value by hand: one sync, then nothing.
        String operatorKey = "key-operator-" + UUID.randomUUID();
        putByHand(secret, operatorKey);
        JsonObject synced = onlyOutcome(scheduled(), connection);
        assertThat(synced.string("action")).contains("SYNC");
        assertThat(synced.string("result")).contains("ok");
        assertThat(updates(connection)).hasSize(1);
        assertThat(updates(connection).get(0).contains(operatorKey)).isTrue();
        assertThat(marker(connection).carriesVersion(current(secret))).isTrue();
        assertThat(onlyOutcome(scheduled(), connection).string("action")).contains("NONE");
        assertThat(updates(connection)).hasSize(1);

        // 4. A rotation: the guardian keeps its hands off while it runs, and finds no drift afterwards.
        String token = RotationStart.begin(secrets, secret);
        String rotatedKey = "key-rotated-" + UUID.randomUUID();
        values.add(rotatedKey);
        secrets.putSecretValue(r -> r.secretId(secret).clientRequestToken(token).secretString(apiKey(rotatedKey))
                .versionStages("AWSPENDING"));
        int beforeRotation = updates(connection).size();
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            assertThat(onlyOutcome(scheduled(), connection).string("action")).as("before " + step).contains("WAIT_ROTATION");
            rotation(step, secret, token);
        }
        // setSecret and testSecret (which must work without a prior setSecret) each put the pending key on.
        List<String> rotationWrites = updates(connection).subList(beforeRotation, updates(connection).size());
        assertThat(rotationWrites).isNotEmpty().allSatisfy(body -> assertThat(body.contains(rotatedKey)).isTrue());
        assertThat(current(secret)).isEqualTo(token);
        JsonObject afterRotation = onlyOutcome(scheduled(), connection);
        assertThat(afterRotation.string("action")).as("the rotation recorded the version").contains("NONE");
        assertThat(updates(connection)).hasSize(beforeRotation + rotationWrites.size());

        // 5. EventBridge deauthorizes the connection: healed once; falling again at once is a refusal, not a loop.
        int beforeHeal = updates(connection).size();
        deauthorizedUntilUpdated(connection);
        JsonObject healed = onlyOutcome(stateEvent(connection), connection);
        assertThat(healed.string("action")).contains("HEAL");
        assertThat(healed.string("result")).contains("ok");
        assertThat(updates(connection)).hasSize(beforeHeal + 1);
        assertThat(updates(connection).get(beforeHeal).contains(rotatedKey)).isTrue();
        deauthorizedAgain(connection);
        assertThat(onlyOutcome(stateEvent(connection), connection).string("action")).contains("MARK_REFUSED");
        assertThat(onlyOutcome(scheduled(), connection).string("action")).contains("HOLD_REFUSED");
        assertThat(updates(connection)).as("no loop of re-applying a refused key").hasSize(beforeHeal + 1);

        // 6. New keys keep arriving and the connection keeps falling: the flap limit (3 an hour) holds.
        for (int heal = 2; heal <= 3; heal++) {
            putByHand(secret, "key-flap-" + heal + "-" + UUID.randomUUID());
            deauthorizedAgain(connection);
            assertThat(onlyOutcome(stateEvent(connection), connection).string("action")).as("heal " + heal).contains("HEAL");
        }
        putByHand(secret, "key-flap-4-" + UUID.randomUUID());
        deauthorizedAgain(connection);
        JsonObject held = onlyOutcome(stateEvent(connection), connection);
        assertThat(held.string("action")).contains("HOLD_FLAP_LIMIT");
        assertThat(updates(connection)).as("three heals, no fourth").hasSize(beforeHeal + 3);
        events.server().resetScenarios();
        events.server().resetMappings();
        events.proxyUnmatchedTo(AwsEmulator.endpoint());

        // 7. The stack is deleted: the connection goes, and the guardian has nothing left to manage.
        JsonObject deleted = provider("Delete", connection, connection, secret);
        assertThat(deleted.string("Status")).contains("SUCCESS");
        assertThat(eventBridge.listConnections(r -> r.namePrefix(connection)).connections())
                .noneSatisfy(c -> assertThat(c.name()).isEqualTo(connection));
        assertThat(tags(secret)).doesNotContainKey("stepconnect:connection");
        JsonObject after = scheduled();
        assertThat(after.objects("outcomes")).noneSatisfy(o -> assertThat(o.string("connection")).contains(connection));
        assertThat(tags(secret).keySet()).as("no guardian state left behind for a deleted connection")
                .noneMatch(key -> key.startsWith("stepconnect:guardian:"));
    }

    // ------------------------------------------------------------------ helpers

    private Environment environment() {
        AwsCredentials credentials = AwsEmulator.credentials().resolveCredentials();
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", AwsEmulator.region().id());
        env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        env.put("AWS_ENDPOINT_URL", AwsEmulator.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", events.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_CLOUDFORMATION", cloudFormation.endpoint().toString());
        env.put("STEPCONNECT_WAIT_SECONDS", "10");
        env.put("STEPCONNECT_TEST_MODE", "none");
        return new Environment(env);
    }

    private JsonObject provider(String type, String physicalId, String connection, String secretArn) {
        String status = type.equals("Create") ? "CREATE_IN_PROGRESS" : "DELETE_IN_PROGRESS";
        cloudFormation.stack(stackId, status).resource(stackId, LOGICAL_ID, TYPE, physicalId, status);
        Map<String, Object> properties = new LinkedHashMap<>();
        String token = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:stepconnect-ConnectionProvider:live";
        properties.put("ServiceToken", token);
        properties.put("Name", connection);
        properties.put("AuthorizationType", "API_KEY");
        properties.put("CredentialsSecretArn", secretArn);
        properties.put("LinkSecretForRotation", "true");
        properties.put("Description", "Partner API");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", type);
        event.put("ServiceToken", token);
        event.put("ResponseURL", receiver.responseUrl().toString());
        event.put("StackId", stackId);
        event.put("RequestId", UUID.randomUUID().toString());
        event.put("LogicalResourceId", LOGICAL_ID);
        event.put("ResourceType", TYPE);
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceProperties", properties);
        int before = receiver.all().size();
        new ConnectionProviderHandler(environment()).handleRequest(stream(Json.write(event)), null,
                new TestContext(Duration.ofMinutes(1)));
        List<ResponseReceiver.Received> answers = receiver.all().subList(before, receiver.all().size());
        assertThat(answers).hasSize(1);
        return answers.get(0).json();
    }

    private void rotation(String step, String secretArn, String token) {
        String event = Json.write(Map.of("Step", step, "SecretId", secretArn, "ClientRequestToken", token,
                "RotationToken", UUID.randomUUID().toString()));
        new RotationHandler(environment()).handleRequest(stream(event), new ByteArrayOutputStream(),
                new TestContext(Duration.ofMinutes(2)));
    }

    private JsonObject scheduled() {
        return guardian(sample("guardian-scheduled-check.json"));
    }

    private JsonObject stateEvent(String connection) {
        Map<String, Object> event = new LinkedHashMap<>(Json.parseObject(sample("guardian-connection-deauthorized.json")).asMap());
        Map<String, Object> detail = new LinkedHashMap<>(Json.parseObject(Json.write(event.get("detail"))).asMap());
        detail.put("ConnectionName", connection);
        event.put("detail", detail);
        return guardian(Json.write(event));
    }

    private JsonObject guardian(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new GuardianHandler(environment()).handleRequest(stream(event), out, new TestContext(Duration.ofMinutes(2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parseObject(out.toString(StandardCharsets.UTF_8));
    }

    private static JsonObject onlyOutcome(JsonObject answer, String connection) {
        List<JsonObject> mine = answer.objects("outcomes").stream()
                .filter(o -> connection.equals(o.string("connection").orElse(null))).toList();
        assertThat(mine).as("outcomes for " + connection + " in " + answer.asMap()).hasSize(1);
        return mine.get(0);
    }

    private void deauthorizedUntilUpdated(String connection) {
        new DeauthorizedConnection(events, eventBridge, "x-api-key").untilUpdated(connection);
    }

    private void deauthorizedAgain(String connection) {
        new DeauthorizedConnection(events, eventBridge, "x-api-key").again(connection);
    }

    private List<String> updates(String connection) {
        return events.requests("UpdateConnection").stream().map(r -> r.getBodyAsString())
                .filter(body -> Json.parseObject(body).string("Name").orElse("").equals(connection)).toList();
    }

    private ConnectionMarker marker(String connection) {
        return ConnectionMarker.find(eventBridge.describeConnection(r -> r.name(connection)).description()).orElseThrow();
    }

    private String current(String secretArn) {
        return secrets.getSecretValue(r -> r.secretId(secretArn).versionStage("AWSCURRENT")).versionId();
    }

    /** An operator's put-secret-value outside any rotation. */
    private void putByHand(String secretArn, String key) {
        values.add(key);
        secrets.putSecretValue(r -> r.secretId(secretArn).secretString(apiKey(key)));
    }

    private Map<String, String> tags(String secretArn) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : secrets.describeSecret(r -> r.secretId(secretArn)).tags()) {
            tags.put(tag.key(), tag.value());
        }
        return tags;
    }

    private String secret(String key) {
        values.add(key);
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("lifecycle-secret")).secretString(apiKey(key))
                .tags(Tag.builder().key("stepconnect:credentials").value("true").build())).arn();
    }

    private static String apiKey(String value) {
        return Json.write(Map.of("apiKeyName", "x-api-key", "apiKeyValue", value));
    }

    private static String sample(String file) {
        try {
            return Files.readString(Path.of("events", file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
