package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.testing.ResponseReceiver;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.cfn.FailedCreateMarker;
import dev.stepconnect.cfn.ResponseBody;
import dev.stepconnect.cfn.ResponseUrlSender;
import dev.stepconnect.config.Environment;
import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.CloudFormationStub;
import dev.stepconnect.testing.LambdaInvokeStub;
import dev.stepconnect.testing.Eventually;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ConnectionState;
import software.amazon.awssdk.services.eventbridge.model.DescribeConnectionResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The real handler, with real SDK clients against the emulator and a local stand-in for the
 * pre-signed ResponseURL. Every test asserts exactly one accepted answer per invocation, and that no
 * secret value and no ResponseURL signature was printed.
 */
@ExtendWith(AwsEmulator.class)
class ConnectionProviderHandlerTest {
    private static final Duration TIMER_MARGIN = Duration.ofSeconds(1);
    private final ResponseReceiver receiver = new ResponseReceiver();
    private final List<String> secretValues = new ArrayList<>();
    private final String stackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/sc-test-"
            + UUID.randomUUID().toString().substring(0, 8) + "/" + UUID.randomUUID();
    private static final CloudFormationStub cloudFormation = new CloudFormationStub();
    private static final LambdaInvokeStub lambda = new LambdaInvokeStub();
    private SecretsManagerClient secrets;
    private EventBridgeClient events;
    private CapturedOutput output;

    @AfterAll
    static void stopStubs() {
        cloudFormation.close();
        lambda.close();
    }

    @BeforeEach
    void setUp() {
        secrets = AwsEmulator.clients().secretsManager();
        events = AwsEmulator.clients().eventBridge();
        output = CapturedOutput.start();
    }

    @AfterEach
    void nothingLeaked() {
        output.close();
        String printed = output.text();
        assertThat(printed).doesNotContain(receiver.signature());
        for (String value : secretValues) {
            assertThat(printed).doesNotContain(value);
            for (ResponseReceiver.Received answer : receiver.all()) {
                assertThat(answer.body()).doesNotContain(value);
            }
        }
        receiver.close();
        secrets.close();
        events.close();
    }

    // ------------------------------------------------------------------ lifecycle

    @ParameterizedTest
    @EnumSource(AuthorizationType.class)
    void fullLifecycle(AuthorizationType type) {
        String secretArn = createSecret(credential(type, "v1"));
        String first = AwsEmulator.uniqueName("sc-life");
        String second = AwsEmulator.uniqueName("sc-life");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());

        Map<String, Object> created = properties(first, type, secretArn, "orders partner");
        created.put("InvocationHttpParameters", Map.of("HeaderParameters",
                List.of(Map.of("Key", "X-Tenant", "Value", "acme", "IsValueSecret", "false"))));
        if (type == AuthorizationType.OAUTH_CLIENT_CREDENTIALS) {
            created.put("OAuthHttpParameters", Json.write(Map.of("BodyParameters",
                    List.of(Map.of("Key", "audience", "Value", "partner-api", "IsValueSecret", "false")))));
        }
        created.put("LinkSecretForRotation", "true");
        JsonObject answer = invoke(handler, event("Create", null, created, null));
        assertSuccess(answer, first);
        DescribeConnectionResponse afterCreate = describe(first).orElseThrow();
        assertThat(afterCreate.connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        assertThat(afterCreate.authorizationTypeAsString()).isEqualTo(type.name());
        assertThat(afterCreate.description()).startsWith("orders partner [stepconnect:owner=");
        JsonObject data = answer.requiredObject("Data");
        assertThat(data.string("Arn")).contains(afterCreate.connectionArn());
        assertThat(data.string("Name")).contains(first);
        assertThat(data.string("SecretArn")).contains(afterCreate.secretArn());
        assertThat(data.string("AuthorizationType")).contains(type.name());
        assertThat(data.string("State")).contains("AUTHORIZED");
        assertThat(answer.raw("NoEcho")).isEqualTo(false);
        assertThat(rotationTag(secretArn)).contains(first);

        // Update in place: new secret value and description, same name.
        putSecretValue(secretArn, credential(type, "v2"));
        Map<String, Object> updated = new LinkedHashMap<>(created);
        updated.put("Description", "orders partner, v2");
        answer = invoke(handler, event("Update", first, updated, created));
        assertSuccess(answer, first);
        DescribeConnectionResponse afterUpdate = describe(first).orElseThrow();
        assertThat(afterUpdate.connectionArn()).isEqualTo(afterCreate.connectionArn());
        assertThat(afterUpdate.description()).startsWith("orders partner, v2 [stepconnect:owner=");
        assertThat(afterUpdate.connectionState()).isEqualTo(ConnectionState.AUTHORIZED);

        // Update with a new name: a second connection; CloudFormation deletes the first afterwards.
        Map<String, Object> renamed = new LinkedHashMap<>(updated);
        renamed.put("Name", second);
        answer = invoke(handler, event("Update", first, renamed, updated));
        assertSuccess(answer, second);
        assertThat(describe(first)).isPresent();
        assertThat(describe(second).orElseThrow().connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        assertThat(rotationTag(secretArn)).contains(first + "," + second);

        answer = invoke(handler, event("Delete", first, updated, null));
        assertThat(answer.string("Status")).contains("SUCCESS");
        assertThat(answer.string("PhysicalResourceId")).contains(first);
        assertGone(first);
        assertThat(describe(second)).isPresent();
        assertThat(rotationTag(secretArn)).contains(second);

        answer = invoke(handler, event("Delete", second, renamed, null));
        assertThat(answer.string("Status")).contains("SUCCESS");
        assertGone(second);
        assertThat(rotationTag(secretArn)).isEmpty();

        assertThat(output.lines()).anySatisfy(line -> assertThat(line).contains("\"requestType\":\"Update\"")
                .contains("\"outcome\":\"SUCCESS\"").contains("\"logicalResourceId\":\"PartnerConnection\"")
                .contains("\"durationMs\"").contains("\"stackId\":\"" + stackId + "\""));
    }

    @Test
    void deleteOfAConnectionThatIsAlreadyGoneSucceeds() {
        String name = AwsEmulator.uniqueName("sc-gone");
        JsonObject answer = invoke(handler(AwsEmulator.clients()),
                event("Delete", name, properties(name, AuthorizationType.API_KEY, "unused", null), null));
        assertThat(answer.string("Status")).contains("SUCCESS");
        assertThat(answer.string("PhysicalResourceId")).contains(name);
    }

    @Test
    void deleteOfAFailedCreateMarkerWithoutAUsableNameTouchesNothing() {
        // An unreachable endpoint proves that no AWS call is made.
        String marker = FailedCreateMarker.forRequest(UUID.randomUUID().toString());
        JsonObject answer = invoke(handler(unreachableClients()),
                event("Delete", marker, properties("not a name!", AuthorizationType.API_KEY, "unused", null), null));
        assertThat(answer.string("Status")).contains("SUCCESS");
        assertThat(answer.string("PhysicalResourceId")).contains(marker);
    }

    @Test
    void rollingBackARenameReusesTheConnectionThisResourceCreatedBefore() {
        String secretArn = createSecret(credential(AuthorizationType.BASIC, "v1"));
        String original = AwsEmulator.uniqueName("sc-rb");
        String renamed = AwsEmulator.uniqueName("sc-rb");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(original, AuthorizationType.BASIC, secretArn, null);
        Map<String, Object> after = properties(renamed, AuthorizationType.BASIC, secretArn, null);
        assertSuccess(invoke(handler, event("Create", null, before, null)), original);
        String originalArn = describe(original).orElseThrow().connectionArn();
        assertSuccess(invoke(handler, event("Update", original, after, before)), renamed);

        // The stack update fails elsewhere: CloudFormation rolls this resource back to its old Name.
        assertSuccess(invoke(handler, event("Update", renamed, before, after)), original);
        assertThat(describe(original).orElseThrow().connectionArn()).isEqualTo(originalArn);

        invoke(handler, event("Delete", renamed, after, null));
        invoke(handler, event("Delete", original, before, null));
        assertGone(renamed);
        assertGone(original);
    }

    @Test
    void kmsKeyAndSecretHeaderValuesReachCreateConnectionAndNeverTheLogs() {
        String secretArn = createSecret(credential(AuthorizationType.BASIC, "v1"));
        String name = AwsEmulator.uniqueName("sc-kms");
        String headerSecret = "hdr-" + UUID.randomUUID();
        secretValues.add(headerSecret);
        Map<String, Object> properties = properties(name, AuthorizationType.BASIC, secretArn, null);
        properties.put("KmsKeyIdentifier", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        properties.put("InvocationHttpParameters", Map.of("HeaderParameters",
                List.of(Map.of("Key", "X-Signature", "Value", headerSecret, "IsValueSecret", "true"))));
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            assertSuccess(invoke(handler(stub.clients()), event("Create", null, properties, null)), name);

            JsonObject sent = Json.parseObject(stub.requests("CreateConnection").get(0).getBodyAsString());
            assertThat(sent.string("KmsKeyIdentifier")).contains((String) properties.get("KmsKeyIdentifier"));
            assertThat(sent.string("Description").orElseThrow()).startsWith("[stepconnect:owner=");
        }
        cleanUp(name);
    }

    @Test
    void aFailedUpdateKeepsTheOldConnectionAndItsId() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-upd-fail");
        String foreign = AwsEmulator.uniqueName("sc-upd-foreign");
        events.createConnection(r -> r.name(foreign).authorizationType("BASIC")
                .authParameters(a -> a.basicAuthParameters(b -> b.username("u").password("foreign-pass-123"))));
        secretValues.add("foreign-pass-123");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(name, AuthorizationType.API_KEY, secretArn, null);
        assertSuccess(invoke(handler, event("Create", null, before, null)), name);

        Map<String, Object> invalid = new LinkedHashMap<>(before);
        invalid.put("LinkSecretForRotation", "sometimes");
        JsonObject answer = invoke(handler, event("Update", name, invalid, before));
        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("PhysicalResourceId")).contains(name);

        Map<String, Object> ontoForeign = new LinkedHashMap<>(before);
        ontoForeign.put("Name", foreign);
        answer = invoke(handler, event("Update", name, ontoForeign, before));
        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).contains("already exists");
        assertThat(answer.string("PhysicalResourceId")).contains(name);
        assertThat(describe(name).orElseThrow().connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        assertThat(describe(foreign).orElseThrow().authorizationTypeAsString()).isEqualTo("BASIC");
        cleanUp(name);
        cleanUp(foreign);
    }

    @Test
    void turningOffTheRotationLinkRemovesOnlyThisConnectionFromTheTag() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        secrets.tagResource(r -> r.secretId(secretArn).tags(Tag.builder().key("stepconnect:connection").value("billing").build()));
        String name = AwsEmulator.uniqueName("sc-unlink");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> linked = properties(name, AuthorizationType.API_KEY, secretArn, null);
        linked.put("LinkSecretForRotation", "true");
        assertSuccess(invoke(handler, event("Create", null, linked, null)), name);
        assertThat(rotationTag(secretArn)).contains("billing," + name);

        Map<String, Object> unlinked = new LinkedHashMap<>(linked);
        unlinked.put("LinkSecretForRotation", "false");
        assertSuccess(invoke(handler, event("Update", name, unlinked, linked)), name);

        assertThat(rotationTag(secretArn)).contains("billing");
        cleanUp(name);
    }

    // ------------------------------------------------------------------ ownership and idempotency

    @Test
    void aDuplicateDeliveryOfTheSameCreateIsAnsweredSuccessAgain() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-dup");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        String event = event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null);

        JsonObject first = invoke(handler, event);
        JsonObject second = invoke(handler, event);

        assertSuccess(first, name);
        assertSuccess(second, name);
        assertThat(second.requiredObject("Data").string("Arn")).isEqualTo(first.requiredObject("Data").string("Arn"));
        cleanUp(name);
    }

    @Test
    void neverTakesOverAConnectionItDidNotCreate() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-foreign");
        events.createConnection(r -> r.name(name).description("owned by another team").authorizationType("API_KEY")
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-other").apiKeyValue("other-value-123"))));
        secretValues.add("other-value-123");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());

        JsonObject answer = invoke(handler, event("Create", null,
                properties(name, AuthorizationType.API_KEY, secretArn, null), null));

        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).startsWith("Name: a connection named " + name + " already exists");
        String marker = answer.string("PhysicalResourceId").orElseThrow();
        assertThat(marker).startsWith(FailedCreateMarker.PREFIX);
        assertThat(describe(name).orElseThrow().description()).isEqualTo("owned by another team");

        // CloudFormation then deletes the failed resource by its marker: the foreign connection survives.
        JsonObject deleted = invoke(handler, event("Delete", marker, properties(name, AuthorizationType.API_KEY,
                secretArn, null), null));
        assertThat(deleted.string("Status")).contains("SUCCESS");
        assertThat(describe(name)).isPresent();
        cleanUp(name);
    }

    @Test
    void changingTheAuthorizationTypeUpdatesTheSameConnectionInPlace() {
        String basicSecret = createSecret(credential(AuthorizationType.BASIC, "v1"));
        String apiKeySecret = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-retype");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(name, AuthorizationType.BASIC, basicSecret, null);
        assertSuccess(invoke(handler, event("Create", null, before, null)), name);
        String arn = describe(name).orElseThrow().connectionArn();

        Map<String, Object> after = properties(name, AuthorizationType.API_KEY, apiKeySecret, null);
        JsonObject answer = invoke(handler, event("Update", name, after, before));

        assertSuccess(answer, name);
        DescribeConnectionResponse retyped = describe(name).orElseThrow();
        assertThat(retyped.connectionArn()).isEqualTo(arn);
        assertThat(retyped.authorizationTypeAsString()).isEqualTo("API_KEY");
        assertThat(answer.requiredObject("Data").string("AuthorizationType")).contains("API_KEY");
        cleanUp(name);
    }

    @Test
    void anUpdateRecreatesAConnectionDeletedOutsideCloudFormation() {
        String secretArn = createSecret(credential(AuthorizationType.BASIC, "v1"));
        String name = AwsEmulator.uniqueName("sc-recreate");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(name, AuthorizationType.BASIC, secretArn, "v1");
        assertSuccess(invoke(handler, event("Create", null, before, null)), name);
        cleanUp(name);
        Eventually.await(Duration.ofSeconds(60), () -> describe(name), Optional::isEmpty);

        // Failing here would fail the rollback Update as well and leave the stack UPDATE_ROLLBACK_FAILED.
        Map<String, Object> after = properties(name, AuthorizationType.BASIC, secretArn, "v2");
        JsonObject answer = invoke(handler, event("Update", name, after, before));

        assertSuccess(answer, name);
        DescribeConnectionResponse recreated = describe(name).orElseThrow();
        assertThat(recreated.connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        assertThat(recreated.description()).startsWith("v2 [stepconnect:owner=");
        assertThat(answer.requiredObject("Data").string("Arn")).contains(recreated.connectionArn());
        cleanUp(name);
    }

    @Test
    void neverUpdatesOrDeletesAConnectionThatAnotherResourceOwnsByNow() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-reused");
        // Ours was deleted outside CloudFormation; another stack's resource has created the name since.
        String foreignDescription = "other team " + ConnectionMarker.of(stackId + "-other", "PartnerConnection", "r1").render();
        events.createConnection(r -> r.name(name).description(foreignDescription).authorizationType("API_KEY")
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-other").apiKeyValue("other-value-456"))));
        secretValues.add("other-value-456");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, "ours");

        JsonObject updated = invoke(handler, event("Update", name, properties, properties));
        assertThat(updated.string("Status")).contains("FAILED");
        assertThat(updated.string("PhysicalResourceId")).contains(name);
        assertThat(updated.string("Reason").orElseThrow()).startsWith("Name: connection " + name + " now belongs to another");
        assertThat(describe(name).orElseThrow().description()).isEqualTo(foreignDescription);

        JsonObject deleted = invoke(handler, event("Delete", name, properties, null));
        assertThat(deleted.string("Status")).contains("SUCCESS");
        assertThat(describe(name).orElseThrow().description()).isEqualTo(foreignDescription);
        cleanUp(name);
    }

    @Test
    void aCreateFromAnotherRequestOfTheSameStackDoesNotTakeOverEither() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-other-req");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, null);
        assertSuccess(invoke(handler, event("Create", null, properties, null)), name);

        Map<String, Object> otherResource = Json.parseObject(event("Create", null, properties, null)).asMap();
        Map<String, Object> copy = new LinkedHashMap<>(otherResource);
        copy.put("LogicalResourceId", "AnotherConnection");
        JsonObject answer = invoke(handler, Json.write(copy));

        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).contains("already exists");
        cleanUp(name);
    }

    // ------------------------------------------------------------------ fault matrix

    @Test
    void missingSecret() {
        String name = AwsEmulator.uniqueName("sc-nosecret");
        JsonObject answer = invoke(handler(AwsEmulator.clients()), event("Create", null, properties(name,
                AuthorizationType.API_KEY, "arn:aws:secretsmanager:us-east-1:123456789012:secret:sc-missing-AbCdEf", null), null));

        assertFailedCreate(answer);
        assertThat(answer.string("Reason").orElseThrow()).startsWith("CredentialsSecretArn: secret").contains("does not exist");
        assertThat(describe(name)).isEmpty();
    }

    @Test
    void secretOfTheWrongType() {
        String secretArn = createSecret(credential(AuthorizationType.BASIC, "v1"));
        String name = AwsEmulator.uniqueName("sc-wrongtype");
        JsonObject answer = invoke(handler(AwsEmulator.clients()),
                event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

        assertFailedCreate(answer);
        assertThat(answer.string("Reason").orElseThrow())
                .isEqualTo("CredentialsSecretArn: the credentials secret holds a BASIC credential, expected API_KEY");
        assertThat(describe(name)).isEmpty();
    }

    @Test
    void secretThatIsNotJson() {
        String secretArn = createSecret("not json at all");
        JsonObject answer = invoke(handler(AwsEmulator.clients()), event("Create", null,
                properties(AwsEmulator.uniqueName("sc-notjson"), AuthorizationType.API_KEY, secretArn, null), null));

        assertFailedCreate(answer);
        assertThat(answer.string("Reason").orElseThrow()).contains("CredentialsSecretArn").contains("not a JSON object");
    }

    @Test
    void secretTheProviderMayNotRead() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        try (AwsJsonStub stub = new AwsJsonStub("secretsmanager")) {
            stub.fail("GetSecretValue", 400, "AccessDeniedException", "not authorized to perform secretsmanager:GetSecretValue");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()), event("Create", null,
                    properties(AwsEmulator.uniqueName("sc-denied"), AuthorizationType.API_KEY, secretArn, null), null));

            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow())
                    .startsWith("CredentialsSecretArn: cannot read secret '" + secretArn + "': AccessDeniedException");
            assertThat(stub.requests("GetSecretValue")).hasSize(1);
        }
    }

    @Test
    void badProperties() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, String> expectations = new LinkedHashMap<>();
        expectations.put("Name", "Name must be 1-64 characters");
        expectations.put("LinkSecretForRotation", "LinkSecretForRotation must be \"true\" or \"false\"");
        expectations.put("InvocationHttpParameters", "InvocationHttpParameters");
        expectations.put("AuthorizationType", "AuthorizationType must be one of API_KEY, BASIC, OAUTH_CLIENT_CREDENTIALS");
        expectations.put("Nmae", "unknown property 'Nmae'");
        for (Map.Entry<String, String> expectation : expectations.entrySet()) {
            Map<String, Object> properties = properties(AwsEmulator.uniqueName("sc-bad"), AuthorizationType.API_KEY,
                    secretArn, null);
            switch (expectation.getKey()) {
                case "Name" -> properties.put("Name", "has spaces!");
                case "LinkSecretForRotation" -> properties.put("LinkSecretForRotation", "yes");
                case "InvocationHttpParameters" -> properties.put("InvocationHttpParameters", "{\"HeaderParameters\": [{\"Value\": \"x\"}]}");
                case "AuthorizationType" -> properties.put("AuthorizationType", "DIGEST");
                default -> properties.put("Nmae", "typo");
            }
            receiver.clear();
            JsonObject answer = invoke(handler, event("Create", null, properties, null));
            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow()).as(expectation.getKey()).contains(expectation.getValue());
        }
    }

    @Test
    void throttlingThenSuccessIsRetriedWithinTheTimeLeft() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-throttle");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            failThenProxy(stub, "CreateConnection", 2, 400, "ThrottlingException");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()),
                    event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

            assertSuccess(answer, name);
            assertThat(stub.requests("CreateConnection")).hasSize(3);
            assertThat(describe(name).orElseThrow().connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        }
        cleanUp(name);
    }

    @Test
    void serverErrorsThatPersistEndInAFailedAnswerThatNamesThem() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-5xx");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            stub.fail("CreateConnection", 500, "InternalException", "injected failure");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()),
                    event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow()).contains("InternalException").contains("HTTP 500");
            assertThat(stub.requests("CreateConnection").size()).isGreaterThan(1);
        }
    }

    @Test
    void emulatorUnreachable() {
        JsonObject answer = invoke(handler(unreachableClients()), event("Create", null,
                properties(AwsEmulator.uniqueName("sc-unreach"), AuthorizationType.API_KEY, "some-secret", null), null));

        assertFailedCreate(answer);
        assertThat(answer.string("Reason").orElseThrow()).startsWith("could not reach the AWS API");
    }

    @Test
    void deadlineTwoSecondsAwayIsAnsweredFailedAndTheLateConnectionIsUndone() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-deadline");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            stub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                    .withHeader("X-Amz-Target", equalTo("AWSEvents.CreateConnection"))
                    .willReturn(aResponse().proxiedFrom(AwsEmulator.endpoint().toString()).withFixedDelay(1200)));
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()),
                    event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null),
                    Duration.ofSeconds(2));

            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow()).contains("did not finish in time");
            // CloudFormation was told FAILED, so it will never delete what the late CreateConnection made.
            Eventually.await(Duration.ofSeconds(30), () -> describe(name),
                    d -> d.isEmpty() || d.get().connectionState() == ConnectionState.DELETING);
        }
    }

    @Test
    void responseUrlFailingOnceIsRetriedAndAcceptedOnce() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-put");
        receiver.failNext(1, 500);

        run(handler(AwsEmulator.clients()), event("Create", null,
                properties(name, AuthorizationType.API_KEY, secretArn, null), null), Duration.ofMinutes(1));

        assertThat(receiver.all()).hasSize(2);
        assertThat(receiver.accepted()).hasSize(1);
        assertSuccess(receiver.accepted().get(0).json(), name);
        cleanUp(name);
    }

    @Test
    void oversizedReasonIsCutToFitTheResponseLimit() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-long");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            stub.fail("CreateConnection", 400, "ValidationException", "parameter rejected: " + "z".repeat(9000));
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()),
                    event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

            assertFailedCreate(answer);
            assertThat(receiver.accepted().get(0).body().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(ResponseBody.MAX_BYTES);
            assertThat(answer.string("Reason").orElseThrow()).contains("ValidationException").endsWith("[truncated]");
        }
    }

    @Test
    void malformedJsonIsAnswered() {
        String event = event("Create", null, properties("x", AuthorizationType.API_KEY, "s", null), null);
        JsonObject answer = invoke(handler(AwsEmulator.clients()), event.substring(0, event.length() / 2 + 200));

        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).contains("not valid JSON");
    }

    @Test
    void unknownRequestTypeIsAnswered() {
        JsonObject answer = invoke(handler(AwsEmulator.clients()),
                event("Replace", "conn-x", properties("x", AuthorizationType.API_KEY, "s", null), null));

        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).contains("RequestType must be Create, Update or Delete");
        assertThat(answer.string("PhysicalResourceId")).contains("conn-x");
    }

    @Test
    void misconfiguredFunctionStillAnswers() {
        ConnectionProviderHandler handler = new ConnectionProviderHandler(
                new Environment(Map.of("STEPCONNECT_WAIT_SECONDS", "soon")), env -> AwsEmulator.clients(),
                Duration.ofMillis(100), TIMER_MARGIN, sender());
        JsonObject answer = invoke(handler, event("Create", null,
                properties("x", AuthorizationType.API_KEY, "s", null), null));

        assertFailedCreate(answer);
        assertThat(answer.string("Reason").orElseThrow()).contains("could not start").contains("STEPCONNECT_WAIT_SECONDS");
    }

    @Test
    void productionConstructorBuildsItsDependencies() {
        // The no-arg constructor Lambda uses; a failed-Create marker needs no AWS call to answer.
        String marker = FailedCreateMarker.forRequest(UUID.randomUUID().toString());
        JsonObject answer = invoke(new ConnectionProviderHandler(),
                event("Delete", marker, properties("not a name!", AuthorizationType.API_KEY, "s", null), null));

        assertThat(answer.string("Status")).contains("SUCCESS");
        assertThat(output.text()).doesNotContain("initialisation failed");
    }

    // ------------------------------------------------------------------ helpers

    /** The handler, with CloudFormation and Lambda (which the emulator cannot play) routed to the stubs. */
    private ConnectionProviderHandler handler(AwsClients clients) {
        return handler(clients, "10");
    }

    private ConnectionProviderHandler handler(AwsClients clients, String waitSeconds) {
        AwsClients routed = clients.withEndpoint("CLOUDFORMATION", cloudFormation.endpoint())
                .withEndpoint("LAMBDA", lambda.endpoint());
        return new ConnectionProviderHandler(new Environment(Map.of("STEPCONNECT_WAIT_SECONDS", waitSeconds)),
                env -> routed, Duration.ofMillis(100), TIMER_MARGIN, sender());
    }

    private static ResponseUrlSender sender() {
        return new ResponseUrlSender(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private static AwsClients unreachableClients() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new AwsClients(AwsEmulator.region(), AwsEmulator.credentials(), URI.create("http://127.0.0.1:" + port),
                AwsClients.ClientTimeouts.defaults());
    }

    /** Invokes the handler and returns its one answer (asserting there was exactly one PUT, accepted). */
    private JsonObject invoke(ConnectionProviderHandler handler, String event) {
        return invoke(handler, event, Duration.ofMinutes(1));
    }

    private JsonObject invoke(ConnectionProviderHandler handler, String event, Duration timeLeft) {
        int before = receiver.all().size();
        run(handler, event, timeLeft);
        List<ResponseReceiver.Received> answers = receiver.all().subList(before, receiver.all().size());
        assertThat(answers).hasSize(1);
        ResponseReceiver.Received answer = answers.get(0);
        assertThat(answer.method()).isEqualTo("PUT");
        assertThat(answer.contentType()).isNullOrEmpty();
        assertThat(answer.status()).isEqualTo(200);
        JsonObject body = answer.json();
        JsonObject sent = Json.parseObject(event.startsWith("{") && isJson(event) ? event : "{}");
        if (sent.has("RequestId")) {
            assertThat(body.string("RequestId")).isEqualTo(sent.string("RequestId"));
            assertThat(body.string("StackId")).isEqualTo(sent.string("StackId"));
            assertThat(body.string("LogicalResourceId")).isEqualTo(sent.string("LogicalResourceId"));
        }
        assertThat(body.string("PhysicalResourceId").orElseThrow()).isNotBlank();
        return body;
    }

    private static boolean isJson(String text) {
        try {
            Json.parseObject(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void run(ConnectionProviderHandler handler, String event, Duration timeLeft) {
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), null,
                new TestContext(timeLeft));
    }

    /**
     * A request as CloudFormation sends it; CloudFormation's record (the stub) shows the stack in the
     * operation that sends such a request, and the resource with the PhysicalResourceId it has then.
     */
    private String event(String type, String physicalId, Map<String, Object> properties, Map<String, Object> old) {
        cloudFormation.stack(stackId, switch (type) {
            case "Create" -> "CREATE_IN_PROGRESS";
            case "Update" -> "UPDATE_IN_PROGRESS";
            default -> "DELETE_IN_PROGRESS";
        });
        cloudFormation.resource(stackId, "PartnerConnection", "Custom::EventBridgeConnection",
                physicalId != null ? physicalId : String.valueOf(properties.get("Name")));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", type);
        event.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:stepconnect-ConnectionProvider:live");
        event.put("ResponseURL", receiver.responseUrl().toString());
        event.put("StackId", stackId);
        event.put("RequestId", UUID.randomUUID().toString());
        event.put("LogicalResourceId", "PartnerConnection");
        event.put("ResourceType", "Custom::EventBridgeConnection");
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceProperties", properties);
        if (old != null) {
            event.put("OldResourceProperties", old);
        }
        return Json.write(event);
    }

    private static Map<String, Object> properties(String name, AuthorizationType type, String secretArn, String description) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:stepconnect-ConnectionProvider:live");
        properties.put("Name", name);
        properties.put("AuthorizationType", type.name());
        properties.put("CredentialsSecretArn", secretArn);
        if (description != null) {
            properties.put("Description", description);
        }
        return properties;
    }

    private String credential(AuthorizationType type, String version) {
        String value = "s3cr3t-" + version + "-" + UUID.randomUUID();
        secretValues.add(value);
        return switch (type) {
            case API_KEY -> Json.write(Map.of("apiKeyName", "x-api-key", "apiKeyValue", value));
            case BASIC -> Json.write(Map.of("username", "svc-orders", "password", value));
            case OAUTH_CLIENT_CREDENTIALS -> Json.write(Map.of("clientId", "client-orders", "clientSecret", value,
                    "authorizationEndpoint", "https://auth.example.com/oauth2/token"));
        };
    }

    private String createSecret(String secretString) {
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("sc-cred")).secretString(secretString)).arn();
    }

    private void putSecretValue(String secretArn, String secretString) {
        secrets.putSecretValue(r -> r.secretId(secretArn).secretString(secretString));
    }

    private Optional<String> rotationTag(String secretArn) {
        return secrets.describeSecret(r -> r.secretId(secretArn)).tags().stream()
                .filter(tag -> tag.key().equals("stepconnect:connection")).map(Tag::value).findFirst();
    }

    private Optional<DescribeConnectionResponse> describe(String name) {
        try {
            return Optional.of(events.describeConnection(r -> r.name(name)));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Gone, or on its way (AWS deletes connections asynchronously). */
    private void assertGone(String name) {
        describe(name).ifPresent(d -> assertThat(d.connectionState()).isEqualTo(ConnectionState.DELETING));
    }

    private static void assertSuccess(JsonObject answer, String name) {
        assertThat(answer.string("Status")).as("answer %s", answer.asMap().get("Reason")).contains("SUCCESS");
        assertThat(answer.string("PhysicalResourceId")).contains(name);
    }

    private static void assertFailedCreate(JsonObject answer) {
        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(answer.string("PhysicalResourceId").orElseThrow()).startsWith(FailedCreateMarker.PREFIX);
    }

    private static void failThenProxy(AwsJsonStub stub, String operation, int times, int status, String errorCode) {
        String scenario = operation + "-then-proxy";
        for (int i = 0; i < times; i++) {
            stub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                    .withHeader("X-Amz-Target", equalTo("AWSEvents." + operation))
                    .inScenario(scenario).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                    .willSetStateTo("failed-" + (i + 1))
                    .willReturn(aResponse().withStatus(status).withHeader("Content-Type", AwsJsonStub.JSON_1_0)
                            .withBody("{\"__type\":\"" + errorCode + "\",\"message\":\"Rate exceeded\"}")));
        }
        stub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents." + operation))
                .inScenario(scenario).whenScenarioStateIs("failed-" + times)
                .willReturn(aResponse().proxiedFrom(AwsEmulator.endpoint().toString())));
    }

    private void cleanUp(String name) {
        try {
            events.deleteConnection(r -> r.name(name));
        } catch (ResourceNotFoundException ignored) {
            // already gone
        }
    }
}
