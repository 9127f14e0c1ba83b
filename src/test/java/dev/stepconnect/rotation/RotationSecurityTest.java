package dev.stepconnect.rotation;

import dev.stepconnect.eventbridge.ConnectionMarker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.config.Environment;
import dev.stepconnect.json.Json;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.EmulatorClients;
import dev.stepconnect.testing.CredentialForms;
import dev.stepconnect.testing.RotationStart;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ConnectionAuthorizationType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Issue #10 against the real rotation handler: redaction when AWS echoes UpdateConnection or
 * PutSecretValue (§1), rotation only of secrets their owner opted in (§3), strict input (§6), and
 * EventBridge's field rules for a staged value (#12 §4, #13 §2).
 */
@ExtendWith(AwsEmulator.class)
class RotationSecurityTest {
    @RegisterExtension
    final EmulatorClients aws = new EmulatorClients();
    private final SecretsManagerClient secrets = aws.secrets();
    private final EventBridgeClient events = aws.events();
    private final CapturedOutput output = aws.output();

    @AfterEach
    void tearDown() {
        output.close();
    }

    // ------------------------------------------------------------------ §1 redaction

    /**
     * setSecret puts each planted form on the connection; UpdateConnection answers an error quoting the
     * request. Neither the step's result (the exception Secrets Manager records) nor a log line carries
     * any form of the value or AWS's text.
     */
    @Test
    void noFormOfAPendingCredentialLeaksWhenUpdateConnectionEchoesTheRequest() {
        for (CredentialForms.Planted planted : CredentialForms.planted()) {
            String connection = apiKeyConnection("current-key-" + UUID.randomUUID());
            String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"current-" + UUID.randomUUID() + "\"}",
                    connection, null);
            String token = RotationStart.begin(secrets, arn);
            String pending = planted.secretJson("apiKeyName", "x-api-key", "apiKeyValue");
            secrets.putSecretValue(r -> r.secretId(arn).clientRequestToken(token).secretString(pending)
                    .versionStages("AWSPENDING"));
            try (AwsJsonStub front = new AwsJsonStub("AWSEvents");
                 CapturedOutput printed = CapturedOutput.start()) {
                front.failEchoingTheRequest("UpdateConnection", 400, "ValidationException");
                front.proxyUnmatchedTo(AwsEmulator.endpoint());

                Throwable result = catchFailure(() -> invoke(handler(front), "setSecret", arn, token));

                assertThat(front.requests("UpdateConnection")).as(planted.label()).isNotEmpty();
                assertThat(result).as(planted.label()).isNotNull();
                CredentialForms.assertAbsent(planted, String.valueOf(result.getMessage()), "the step's result");
                CredentialForms.assertAbsent(planted, printed.text(), "log lines");
            }
        }
    }

    /** The random generator's new value travels in PutSecretValue: an echo of that request leaks nothing either. */
    @Test
    void aGeneratedCredentialDoesNotLeakWhenPutSecretValueEchoesTheRequest() {
        String connection = apiKeyConnection("current-key-" + UUID.randomUUID());
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"current-" + UUID.randomUUID() + "\"}",
                connection, "random");
        String token = RotationStart.begin(secrets, arn);
        try (AwsJsonStub front = new AwsJsonStub("secretsmanager")) {
            front.failEchoingTheRequest("PutSecretValue", 400, "InvalidParameterException");
            front.proxyUnmatchedTo(AwsEmulator.endpoint());

            Throwable result = catchFailure(() -> invoke(handler(front), "createSecret", arn, token));

            assertThat(front.requests("PutSecretValue")).hasSize(1);
            String sent = Json.parseObject(front.requests("PutSecretValue").get(0).getBodyAsString()).requiredString("SecretString");
            String generated = Json.parseObject(sent).requiredString("apiKeyValue");
            CredentialForms.Planted planted = new CredentialForms.Planted("generated", generated, false);
            assertThat(result).isNotNull();
            assertThat(result.getMessage()).contains("InvalidParameterException");
            CredentialForms.assertAbsent(planted, result.getMessage(), "the step's result");
            CredentialForms.assertAbsent(planted, output.text(), "log lines");
        }
    }

    // ------------------------------------------------------------------ §3 opt-in

    @Test
    void aSecretWithoutTheOwnersOptInIsNotRotatedAndNothingIsWritten() {
        String currentKey = "current-" + UUID.randomUUID();
        String connection = apiKeyConnection("current-key-" + UUID.randomUUID());
        Map<String, String> tags = new HashMap<>();
        tags.put("stepconnect:connection", connection);
        tags.put("stepconnect:generator", "random");
        String arn = createSecret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"" + currentKey + "\"}", tags);
        String current = RotationStart.versionWith(secrets, arn, "AWSCURRENT");
        String token = RotationStart.begin(secrets, arn);
        try (AwsJsonStub front = new AwsJsonStub("AWSEvents")) {
            front.proxyUnmatchedTo(AwsEmulator.endpoint());
            for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
                assertThatThrownBy(() -> invoke(handler(front), step, arn, token)).as(step)
                        .isInstanceOf(InvalidRotationException.class)
                        .hasMessageContaining("stepconnect:credentials=true").hasMessageNotContaining(currentKey);
            }
            assertThat(front.requests("UpdateConnection")).isEmpty();
        }
        assertThat(RotationStart.stagesOf(secrets, arn, token)).containsExactly("AWSPENDING");
        assertThat(RotationStart.stagesOf(secrets, arn, current)).containsExactly("AWSCURRENT");
        assertThat(output.text()).doesNotContain(currentKey);
    }

    @Test
    void accessDeniedByTheTagConditionNamesTheTagAndBothPossibilities() {
        try (AwsJsonStub front = new AwsJsonStub("secretsmanager")) {
            front.fail("DescribeSecret", 400, "AccessDeniedException", "not authorized to perform: secretsmanager:DescribeSecret");
            front.proxyUnmatchedTo(AwsEmulator.endpoint());
            String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:team-b/partner-AbCdEf";

            assertThatThrownBy(() -> invoke(handler(front), "createSecret", arn, UUID.randomUUID().toString()))
                    .isInstanceOf(InvalidRotationException.class).hasMessageContaining("AccessDeniedException")
                    .hasMessageContaining("does not exist").hasMessageContaining("stepconnect:credentials=true");
        }
    }

    // ------------------------------------------------------------------ #12 §4 field rules

    @Test
    void aStagedValueEventBridgeWouldRefuseIsRolledBackBeforeAnythingIsSent() {
        String refused = "line1\nline2-" + UUID.randomUUID();
        String connection = apiKeyConnection("current-key-" + UUID.randomUUID());
        String arn = secret("{\"apiKeyName\":\"x-api-key\",\"apiKeyValue\":\"current-" + UUID.randomUUID() + "\"}",
                connection, null);
        String token = RotationStart.begin(secrets, arn);
        String pending = Json.write(Map.of("apiKeyName", "x-api-key", "apiKeyValue", refused));
        secrets.putSecretValue(r -> r.secretId(arn).clientRequestToken(token).secretString(pending).versionStages("AWSPENDING"));
        try (AwsJsonStub front = new AwsJsonStub("AWSEvents")) {
            front.proxyUnmatchedTo(AwsEmulator.endpoint());

            assertThatThrownBy(() -> invoke(handler(front), "createSecret", arn, token))
                    .isInstanceOf(RotationFailedException.class)
                    .hasMessageContaining("'apiKeyValue'").hasMessageContaining("control character")
                    .hasMessageNotContaining("line2");
            assertThat(front.requests("UpdateConnection")).isEmpty();
        }
        assertThat(RotationStart.stagesOf(secrets, arn, token)).doesNotContain("AWSPENDING");
        assertThat(output.text()).doesNotContain("line2-");
    }

    // ------------------------------------------------------------------ §6 strict input

    @Test
    void anEventWithTrailingContentIsRefusedBeforeAnyAwsCall() {
        try (AwsJsonStub front = new AwsJsonStub("secretsmanager")) {
            front.proxyUnmatchedTo(AwsEmulator.endpoint());
            String event = Json.write(Map.of("Step", "createSecret", "SecretId", "s", "ClientRequestToken", "t"));
            for (String trailing : List.of("}}garbage", "{\"Step\":\"finishSecret\"}", " x")) {
                assertThatThrownBy(() -> handler(front).handleRequest(stream(event + trailing), new ByteArrayOutputStream(),
                        new TestContext(Duration.ofMinutes(1))))
                        .as(trailing).isInstanceOf(InvalidRotationException.class)
                        .hasMessageContaining("not a Secrets Manager rotation event");
            }
            assertThat(front.server().getAllServeEvents()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Throwable catchFailure(Runnable step) {
        try {
            step.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static RotationHandler handler(AwsJsonStub front) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", AwsEmulator.REGION.id());
        env.put("STEPCONNECT_TEST_MODE", "none");
        env.put("STEPCONNECT_WAIT_SECONDS", "10");
        return new RotationHandler(new Environment(env), front.clients());
    }

    private static void invoke(RotationHandler handler, String step, String arn, String token) {
        String event = Json.write(Map.of("Step", step, "SecretId", arn, "ClientRequestToken", token,
                "RotationToken", UUID.randomUUID().toString()));
        handler.handleRequest(stream(event), new ByteArrayOutputStream(), new TestContext(Duration.ofMinutes(2)));
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An opted-in secret feeding {@code connection}. */
    private String secret(String json, String connection, String generator) {
        Map<String, String> tags = new HashMap<>();
        tags.put("stepconnect:credentials", "true");
        tags.put("stepconnect:connection", connection);
        if (generator != null) {
            tags.put("stepconnect:generator", generator);
        }
        String arn = createSecret(json, tags);
        // The connection's owner adopts it (docs/rotation.md): its marker names this secret as the source.
        String marker = new ConnectionMarker(null, null, null, null).carrying(arn, "adopted").render();
        events.updateConnection(r -> r.name(connection).description("partner API " + marker));
        return arn;
    }

    private String createSecret(String json, Map<String, String> tags) {
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("rot-sec")).secretString(json).tags(tagList)).arn();
    }

    private String apiKeyConnection(String key) {
        String name = AwsEmulator.uniqueName("rot-sec-conn");
        events.createConnection(r -> r.name(name).authorizationType(ConnectionAuthorizationType.API_KEY)
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-api-key").apiKeyValue(key))));
        return name;
    }
}
