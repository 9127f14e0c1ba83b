package dev.stepconnect.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.cfn.FailedCreateMarker;
import dev.stepconnect.cfn.ResponseUrlSender;
import dev.stepconnect.config.Environment;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.EmulatorClients;
import dev.stepconnect.testing.ConnectionRequests;
import dev.stepconnect.testing.CredentialForms;
import dev.stepconnect.testing.ResponseReceiver;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Issue #10 against the real provider handler: redaction of every form of a credential when AWS
 * echoes the request (§1), secrets used only when their owner opted in (§3), strict input (§6), and
 * EventBridge's credential field rules applied when the secret is read (#12 §4).
 */
@ExtendWith(AwsEmulator.class)
class ConnectionProviderSecurityTest {
    private final ResponseReceiver receiver = new ResponseReceiver();
    private final String stackId = ConnectionRequests.stackId("sc-sec");
    @RegisterExtension
    final EmulatorClients aws = new EmulatorClients();
    private final SecretsManagerClient secrets = aws.secrets();
    private final EventBridgeClient events = aws.events();
    private final CapturedOutput output = aws.output();

    @AfterEach
    void tearDown() {
        output.close();
        receiver.assertNothingLeaked(output.text(), List.of());
        receiver.close();
    }

    // ------------------------------------------------------------------ §1 redaction

    /**
     * Each planted form of a credential value goes into a real secret; CreateConnection answers an error
     * that quotes the request (every value, then the whole body). Neither a log line nor the PUT body
     * carries any form of the value, nor any of AWS's text.
     */
    @Test
    void noFormOfACredentialLeaksWhenAwsEchoesTheRequest() {
        for (CredentialForms.Planted planted : CredentialForms.planted()) {
            String secretArn = optedInSecret(planted.secretJson("apiKeyName", "x-api-key", "apiKeyValue"));
            String name = AwsEmulator.uniqueName("sc-echo");
            try (AwsJsonStub stub = new AwsJsonStub("AWSEvents");
                 CapturedOutput printed = CapturedOutput.start()) {
                stub.failEchoingTheRequest("CreateConnection", 400, "ValidationException");
                stub.proxyUnmatchedTo(AwsEmulator.endpoint());

                int before = receiver.all().size();
                run(handler(stub.clients()), event("Create", null, properties(name, secretArn)));

                assertThat(stub.requests("CreateConnection")).as(planted.label()).isNotEmpty();
                List<ResponseReceiver.Received> answers = receiver.all().subList(before, receiver.all().size());
                assertThat(answers).as(planted.label()).hasSize(1);
                JsonObject answer = answers.get(0).json();
                assertThat(answer.string("Status")).as(planted.label()).contains("FAILED");
                assertThat(answer.string("Reason").orElseThrow()).as(planted.label()).contains("ValidationException");
                CredentialForms.assertAbsent(planted, printed.text(), "log lines");
                CredentialForms.assertAbsent(planted, answers.get(0).body(), "the PUT body");
            }
            assertThat(describe(name)).as(planted.label()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ §3 opt-in

    @Test
    void aSecretWithoutTheOwnersOptInIsNeitherReadNorTagged() {
        // Shaped like a credential (an RDS secret has username/password), but not marked for StepConnect.
        String rdsLike = "rds-" + UUID.randomUUID();
        String secretArn = secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("sc-rds"))
                .secretString(Json.write(Map.of("username", "admin", "password", rdsLike, "engine", "postgres")))).arn();
        String name = AwsEmulator.uniqueName("sc-optin");
        Map<String, Object> properties = properties(name, secretArn);
        properties.put("AuthorizationType", "BASIC");
        properties.put("LinkSecretForRotation", "true");

        JsonObject answer = invoke(handler(AwsEmulator.clients()), event("Create", null, properties));

        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("PhysicalResourceId").orElseThrow()).startsWith(FailedCreateMarker.PREFIX);
        assertThat(answer.string("Reason").orElseThrow()).contains("stepconnect:credentials=true")
                .contains("tag-resource").doesNotContain(rdsLike);
        assertThat(describe(name)).isEmpty();
        assertThat(tags(secretArn)).doesNotContainKey("stepconnect:connection");

        // A tag with another value is no opt-in either (IAM compares with StringEquals "true").
        secrets.tagResource(r -> r.secretId(secretArn).tags(Tag.builder().key("stepconnect:credentials").value("yes").build()));
        answer = invoke(handler(AwsEmulator.clients()), event("Create", null, properties));
        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).contains("stepconnect:credentials=true");
        assertThat(output.text()).doesNotContain(rdsLike);
    }

    /** Under the IAM condition an untagged secret answers AccessDenied, like a missing one: the Reason names both. */
    @Test
    void accessDeniedByTheTagConditionNamesTheTagAndBothPossibilities() {
        String secretArn = optedInSecret(Json.write(Map.of("apiKeyName", "x-api-key", "apiKeyValue", "v-" + UUID.randomUUID())));
        try (AwsJsonStub stub = new AwsJsonStub("secretsmanager")) {
            stub.fail("DescribeSecret", 400, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/x"
                    + " is not authorized to perform: secretsmanager:DescribeSecret because no identity-based policy allows it");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()), event("Create", null,
                    properties(AwsEmulator.uniqueName("sc-denied"), secretArn)));

            assertThat(answer.string("Status")).contains("FAILED");
            assertThat(answer.string("Reason").orElseThrow()).startsWith("CredentialsSecretArn: secret '" + secretArn + "'")
                    .contains("AccessDeniedException").contains("does not exist").contains("stepconnect:credentials=true");
            assertThat(stub.requests("GetSecretValue")).isEmpty();
        }
    }

    // ------------------------------------------------------------------ #12 §4 field rules

    @Test
    void aCredentialEventBridgeWouldRefuseFailsBeforeAnythingIsSentAndTheReasonNamesKeyAndRule() {
        String refused = "pass:word-" + UUID.randomUUID();
        String secretArn = optedInSecret(Json.write(Map.of("username", "svc", "password", refused)));
        String name = AwsEmulator.uniqueName("sc-rule");
        Map<String, Object> properties = properties(name, secretArn);
        properties.put("AuthorizationType", "BASIC");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()), event("Create", null, properties));

            assertThat(answer.string("Status")).contains("FAILED");
            assertThat(answer.string("Reason").orElseThrow()).startsWith("CredentialsSecretArn: secret '" + secretArn + "'")
                    .contains("'password'").contains("':'").doesNotContain(refused);
            assertThat(stub.requests("CreateConnection")).isEmpty();
        }
        assertThat(output.text()).doesNotContain(refused);
    }

    // ------------------------------------------------------------------ §6 strict input

    @Test
    void trailingContentAfterTheRequestIsAnsweredFailedAndNothingIsCreated() {
        String secretArn = optedInSecret(Json.write(Map.of("apiKeyName", "x-api-key", "apiKeyValue", "v-" + UUID.randomUUID())));
        for (String trailing : List.of("}}garbage", " {\"RequestType\":\"Delete\"}", "]")) {
            String name = AwsEmulator.uniqueName("sc-strict");
            JsonObject answer = invoke(handler(AwsEmulator.clients()),
                    event("Create", null, properties(name, secretArn)) + trailing);

            assertThat(answer.string("Status")).as(trailing).contains("FAILED");
            assertThat(answer.string("Reason").orElseThrow()).as(trailing).contains("not valid JSON");
            assertThat(describe(name)).as(trailing).isEmpty();
        }
    }

    // ------------------------------------------------------------------ helpers

    private String optedInSecret(String json) {
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("sc-sec")).secretString(json)
                .tags(Tag.builder().key("stepconnect:credentials").value("true").build())).arn();
    }

    private Map<String, String> tags(String secretArn) {
        Map<String, String> tags = new LinkedHashMap<>();
        secrets.describeSecret(r -> r.secretId(secretArn)).tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    private ConnectionProviderHandler handler(AwsClients clients) {
        return new ConnectionProviderHandler(new Environment(Map.of("STEPCONNECT_WAIT_SECONDS", "10")), env -> clients,
                Duration.ofMillis(100), Duration.ofSeconds(1),
                new ResponseUrlSender(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    private JsonObject invoke(ConnectionProviderHandler handler, String event) {
        int before = receiver.all().size();
        run(handler, event);
        List<ResponseReceiver.Received> answers = receiver.all().subList(before, receiver.all().size());
        assertThat(answers).hasSize(1);
        return answers.get(0).json();
    }

    private void run(ConnectionProviderHandler handler, String event) {
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), null,
                new TestContext(Duration.ofMinutes(1)));
    }

    private String event(String type, String physicalId, Map<String, Object> properties) {
        return ConnectionRequests.request(type, receiver.responseUrl(), stackId, "PartnerConnection", physicalId,
                properties, null);
    }

    private static Map<String, Object> properties(String name, String secretArn) {
        return ConnectionRequests.properties(name, "API_KEY", secretArn);
    }

    private Optional<String> describe(String name) {
        try {
            return Optional.of(events.describeConnection(r -> r.name(name)).connectionStateAsString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }
}
