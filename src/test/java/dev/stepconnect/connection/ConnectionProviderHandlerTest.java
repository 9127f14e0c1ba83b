package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.testing.ResponseReceiver;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.cfn.CustomResourceRunner;
import dev.stepconnect.cfn.FailedCreateMarker;
import dev.stepconnect.cfn.UndeliveredResponseException;
import dev.stepconnect.cfn.ResponseBody;
import dev.stepconnect.cfn.ResponseUrlSender;
import dev.stepconnect.config.Environment;
import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.EmulatorClients;
import dev.stepconnect.testing.CloudFormationStub;
import dev.stepconnect.testing.ConnectionRequests;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    private final String stackId = ConnectionRequests.stackId("sc-test");
    private static final CloudFormationStub cloudFormation = new CloudFormationStub();
    private static final LambdaInvokeStub lambda = new LambdaInvokeStub();
    @RegisterExtension
    final EmulatorClients aws = new EmulatorClients();
    private final SecretsManagerClient secrets = aws.secrets();
    private final EventBridgeClient events = aws.events();
    private final CapturedOutput output = aws.output();

    @AfterAll
    static void stopStubs() {
        cloudFormation.close();
        lambda.close();
    }

    @AfterEach
    void nothingLeaked() {
        output.close();
        receiver.assertNothingLeaked(output.text(), secretValues);
        receiver.close();
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
    void theDeleteOfACreateThatFailedBecauseEventBridgeWasUnreachableSucceedsWhileItStillIs() {
        // The likeliest reason for a failed Create is an unreachable API; the rollback's Delete of the failed
        // Create's id must not fail for the same reason and leave the stack ROLLBACK_FAILED.
        ConnectionProviderHandler handler = handler(unreachableClients());
        Map<String, Object> properties = properties(AwsEmulator.uniqueName("sc-unreach"), AuthorizationType.API_KEY,
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:absent-AbCdEf", null);
        JsonObject created = invoke(handler, event("Create", null, properties, null));
        assertFailedCreate(created);
        String failedId = created.string("PhysicalResourceId").orElseThrow();

        String delete = event("Delete", failedId, properties, null);
        cloudFormation.stack(stackId, "ROLLBACK_IN_PROGRESS");
        JsonObject deleted = invoke(handler, delete);

        assertThat(deleted.string("Status")).contains("SUCCESS");
        assertThat(deleted.string("PhysicalResourceId")).contains(failedId);
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
                .isEqualTo("CredentialsSecretArn: secret '" + secretArn + "': the credentials secret holds a BASIC credential,"
                        + " expected API_KEY");
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
            // DescribeConnection carries no credential, so its error text is quoted (scrubbed) in the Reason.
            stub.fail("DescribeConnection", 400, "ValidationException", "parameter rejected: " + "z".repeat(9000));
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
    void aMisconfiguredFunctionLetsTheStackDeleteWhatItsFailedCreateNeverMade() {
        // Create failed because the function could not start; the rollback's Delete carries the failed
        // Create's id, which names nothing: failing it too would leave the stack ROLLBACK_FAILED and then
        // DELETE_FAILED until the function is repaired.
        ConnectionProviderHandler handler = new ConnectionProviderHandler(
                new Environment(Map.of("STEPCONNECT_WAIT_SECONDS", "soon")), env -> AwsEmulator.clients(),
                Duration.ofMillis(100), TIMER_MARGIN, sender());
        Map<String, Object> properties = properties("x", AuthorizationType.API_KEY, "s", null);
        JsonObject created = invoke(handler, event("Create", null, properties, null));
        String failedId = created.string("PhysicalResourceId").orElseThrow();

        JsonObject deleted = invoke(handler, event("Delete", failedId, properties, null));

        assertThat(deleted.string("Status")).contains("SUCCESS");
        assertThat(deleted.string("PhysicalResourceId")).contains(failedId);
        // A Delete of anything else still fails: the provider cannot tell what it would leave behind.
        assertThat(invoke(handler, event("Delete", "x", properties, null)).string("Status")).contains("FAILED");
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

    // ------------------------------------------------------------------ delivery (issue 12.1)

    @Test
    void aResponseUrlFailingSixTimesStillGetsTheAnswer() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-put6");
        receiver.failNext(6, 503);

        run(handler(AwsEmulator.clients()), event("Create", null,
                properties(name, AuthorizationType.API_KEY, secretArn, null), null), Duration.ofMinutes(1));

        assertThat(receiver.all()).hasSize(7);
        assertThat(receiver.accepted()).hasSize(1);
        assertSuccess(receiver.accepted().get(0).json(), name);
        assertThat(output.logLines("custom resource request answered")).singleElement()
                .satisfies(line -> assertThat(line.number("attempts")).contains(7L));
        cleanUp(name);
    }

    @Test
    void anUndeliverableAnswerFailsTheInvocationAndLambdasRetryResumesTheCreate() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-undeliv");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        String event = event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null);
        receiver.failNext(100_000, 503);

        assertThatThrownBy(() -> run(handler, event, Duration.ofSeconds(5)))
                .isInstanceOf(UndeliveredResponseException.class).hasMessageContaining("HTTP 503");

        assertThat(receiver.accepted()).isEmpty();
        assertThat(output.logLines("custom resource request answered")).isEmpty();
        assertThat(output.logLines("custom resource answer undelivered")).singleElement().satisfies(line -> {
            assertThat(line.string("level")).contains("ERROR");
            assertThat(line.string("intendedOutcome")).contains("SUCCESS");
            assertThat(line.string("lastAttempt")).contains("HTTP 503");
        });
        String arn = describe(name).orElseThrow().connectionArn();

        // Lambda retries the failed invocation with the same event: it resumes its own connection.
        receiver.failNext(0, 503);
        receiver.clear();
        JsonObject answer = invoke(handler, event);
        assertSuccess(answer, name);
        assertThat(answer.requiredObject("Data").string("Arn")).contains(arn);
        cleanUp(name);
    }

    // ------------------------------------------------------------------ cancelled creates (issue 12.2)

    @Test
    void aDeleteWithCloudFormationsOwnIdRemovesTheConnectionOfTheCancelledCreate() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-cancel");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, null);
        properties.put("LinkSecretForRotation", "true");
        assertSuccess(invoke(handler, event("Create", null, properties, null)), name);
        assertThat(rotationTag(secretArn)).contains(name);

        // The stack timed out while the Create ran: CloudFormation deletes the resource under an id of its own.
        String cloudFormationsId = "sc-test-PartnerConnection-" + UUID.randomUUID().toString().substring(0, 12);
        String delete = event("Delete", cloudFormationsId, properties, null);
        cloudFormation.stack(stackId, "ROLLBACK_IN_PROGRESS");
        JsonObject answer = invoke(handler, delete);

        assertThat(answer.string("Status")).contains("SUCCESS");
        assertThat(answer.string("PhysicalResourceId")).contains(cloudFormationsId);
        assertGone(name);
        assertThat(rotationTag(secretArn)).isEmpty();
    }

    @Test
    void aDeleteWithCloudFormationsOwnIdNeverTouchesAConnectionThatIsNotThisResources() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String foreign = AwsEmulator.uniqueName("sc-cancel-foreign");
        String unmarked = AwsEmulator.uniqueName("sc-cancel-unmarked");
        String foreignDescription = ConnectionMarker.of(stackId, "OtherConnection", "r1").render();
        createConnectionDirectly(foreign, foreignDescription);
        createConnectionDirectly(unmarked, "made by hand");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());

        for (String name : List.of(foreign, unmarked)) {
            String delete = event("Delete", "sc-test-PartnerConnection-ABCDEF123456",
                    properties(name, AuthorizationType.API_KEY, secretArn, null), null);
            cloudFormation.stack(stackId, "ROLLBACK_IN_PROGRESS");
            assertThat(invoke(handler, delete).string("Status")).contains("SUCCESS");
        }

        assertThat(describe(foreign).orElseThrow().description()).isEqualTo(foreignDescription);
        assertThat(describe(unmarked).orElseThrow().description()).isEqualTo("made by hand");
        cleanUp(foreign);
        cleanUp(unmarked);
    }

    @Test
    void aDeleteNeverRemovesTheConnectionCloudFormationRecordsForTheResource() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String live = AwsEmulator.uniqueName("sc-live");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(live, AuthorizationType.API_KEY, secretArn, null);
        assertSuccess(invoke(handler, event("Create", null, properties, null)), live);

        // Cleanup of an old id that names nothing any more, with properties naming the live connection.
        String delete = event("Delete", AwsEmulator.uniqueName("sc-old"), properties, null);
        cloudFormation.stack(stackId, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
        cloudFormation.resource(stackId, "PartnerConnection", "Custom::EventBridgeConnection", live);
        assertThat(invoke(handler, delete).string("Status")).contains("SUCCESS");

        assertThat(describe(live).orElseThrow().connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        cleanUp(live);
    }

    @Test
    void aCreateThatFinishesAfterItsStackMovedOnDeletesWhatItMade() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-late-create");
        String create = event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null);
        // The Delete for the cancelled Create has come and gone before this Create got going.
        cloudFormation.stack(stackId, "ROLLBACK_IN_PROGRESS");

        JsonObject answer = invoke(handler(AwsEmulator.clients()), create);

        assertFailedCreate(answer);
        assertThat(answer.string("Reason").orElseThrow()).contains("stack operation ended").contains("ROLLBACK_IN_PROGRESS");
        assertGone(name);
    }

    @Test
    void aCreateResumesTheConnectionAnEarlierHungCreateOfTheSameResourceLeft() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-hung");
        createConnectionDirectly(name, ConnectionMarker.of(stackId, "PartnerConnection", "an-earlier-request").render());
        String arn = describe(name).orElseThrow().connectionArn();

        JsonObject answer = invoke(handler(AwsEmulator.clients()),
                event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

        assertSuccess(answer, name);
        assertThat(answer.requiredObject("Data").string("Arn")).contains(arn);
        assertThat(ConnectionMarker.find(describe(name).orElseThrow().description()).orElseThrow().namesSource(secretArn))
                .isTrue();
        cleanUp(name);
    }

    // ------------------------------------------------------------------ confirmed with CloudFormation (issue 10.5)

    @Test
    void forgedUpdatesAndDeletesOfAnotherStacksConnectionTouchNothing() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-forged");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, "theirs");
        assertSuccess(invoke(handler, event("Create", null, properties, null)), name);
        String description = describe(name).orElseThrow().description();
        Map<String, Object> changed = properties(name, AuthorizationType.API_KEY, secretArn, "forged");

        // The victim's stack is at rest: CloudFormation sends neither Update nor Delete now.
        for (String status : List.of("CREATE_COMPLETE", "UPDATE_COMPLETE")) {
            String update = event("Update", name, changed, properties);
            String delete = event("Delete", name, properties, null);
            cloudFormation.stack(stackId, status);
            JsonObject updated = invoke(handler, update);
            assertThat(updated.string("Status")).contains("FAILED");
            assertThat(updated.string("Reason").orElseThrow()).contains("request refused").contains(status);
            assertThat(updated.string("PhysicalResourceId")).contains(name);
            assertThat(invoke(handler, delete).string("Status")).contains("SUCCESS");
        }
        // A StackId CloudFormation does not know at all (the marker does not name it either: left alone unasked).
        Map<String, Object> unknownStack = new LinkedHashMap<>(Json.parseObject(event("Delete", name, properties, null)).asMap());
        unknownStack.put("StackId", stackId.replace("sc-test-", "sc-unknown-"));
        assertThat(invoke(handler, Json.write(unknownStack)).string("Status")).contains("SUCCESS");
        // A logical id of the right stack that is not a custom connection.
        String wrongType = event("Delete", name, properties, null);
        cloudFormation.resource(stackId, "PartnerConnection", "AWS::Lambda::Function", name);
        assertThat(invoke(handler, wrongType).string("Status")).contains("SUCCESS");

        assertThat(describe(name).orElseThrow().description()).isEqualTo(description);
        assertThat(output.logLines("request refused")).hasSize(5)
                .allSatisfy(line -> assertThat(line.string("refusal")).isPresent());
        cleanUp(name);
    }

    @Test
    void aConnectionWithoutAStepConnectMarkerIsNeverOverwrittenOrDeleted() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-unmarked");
        createConnectionDirectly(name, "made by hand");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, "ours now?");

        JsonObject updated = invoke(handler, event("Update", name, properties, properties));
        assertThat(updated.string("Status")).contains("FAILED");
        assertThat(updated.string("Reason").orElseThrow()).contains("carries no StepConnect marker");
        assertThat(invoke(handler, event("Delete", name, properties, null)).string("Status")).contains("SUCCESS");

        assertThat(describe(name).orElseThrow().description()).isEqualTo("made by hand");
        cleanUp(name);
    }

    @Test
    void cleanupAfterAReplacementDeletesTheOldConnectionThoughCloudFormationShowsTheNewId() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String old = AwsEmulator.uniqueName("sc-old");
        String replacement = AwsEmulator.uniqueName("sc-new");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(old, AuthorizationType.API_KEY, secretArn, null);
        Map<String, Object> after = properties(replacement, AuthorizationType.API_KEY, secretArn, null);
        assertSuccess(invoke(handler, event("Create", null, before, null)), old);
        assertSuccess(invoke(handler, event("Update", old, after, before)), replacement);

        String delete = event("Delete", old, before, null);
        cloudFormation.stack(stackId, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
        cloudFormation.resource(stackId, "PartnerConnection", "Custom::EventBridgeConnection", replacement);
        assertThat(invoke(handler, delete).string("Status")).contains("SUCCESS");

        assertGone(old);
        assertThat(describe(replacement).orElseThrow().connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        cleanUp(replacement);
    }

    @Test
    void anUpdateCloudFormationCannotConfirmFailsAndChangesNothing() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-cfn-down");
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, "v1");
        assertSuccess(invoke(handler(AwsEmulator.clients()), event("Create", null, properties, null)), name);
        String description = describe(name).orElseThrow().description();
        try (CloudFormationStub throttled = new CloudFormationStub()) {
            throttled.fail("DescribeStacks", 400, "Throttling", "Rate exceeded");
            ConnectionProviderHandler handler = new ConnectionProviderHandler(
                    new Environment(Map.of("STEPCONNECT_WAIT_SECONDS", "10")),
                    env -> AwsEmulator.clients().withEndpoint("CLOUDFORMATION", throttled.endpoint()),
                    Duration.ofMillis(100), TIMER_MARGIN, sender());

            JsonObject answer = invoke(handler, event("Update", name,
                    properties(name, AuthorizationType.API_KEY, secretArn, "v2"), properties));

            assertThat(answer.string("Status")).contains("FAILED");
            assertThat(answer.string("Reason").orElseThrow()).contains("could not confirm").contains("Throttling");
            assertThat(throttled.requests("DescribeStacks").size()).isGreaterThan(1);
        }
        assertThat(describe(name).orElseThrow().description()).isEqualTo(description);
        cleanUp(name);
    }

    @Test
    void aDeleteCloudFormationRefusesToDescribeFailsAndLeavesNoOrphan() {
        // AccessDenied from CloudFormation means the provider's role lacks its read permissions: nothing can
        // be concluded. Answering SUCCESS would leave the connection (and its copy of the credential) behind.
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-cfn-denied");
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, null);
        assertSuccess(invoke(handler(AwsEmulator.clients()), event("Create", null, properties, null)), name);
        try (CloudFormationStub denied = new CloudFormationStub()) {
            denied.fail("DescribeStacks", 403, "AccessDenied", "User is not authorized to perform cloudformation:DescribeStacks");
            ConnectionProviderHandler handler = new ConnectionProviderHandler(
                    new Environment(Map.of("STEPCONNECT_WAIT_SECONDS", "10")),
                    env -> AwsEmulator.clients().withEndpoint("CLOUDFORMATION", denied.endpoint()),
                    Duration.ofMillis(100), TIMER_MARGIN, sender());

            JsonObject answer = invoke(handler, event("Delete", name, properties, null));

            assertThat(answer.string("Status")).contains("FAILED");
            assertThat(answer.string("Reason").orElseThrow()).contains("could not confirm").contains("AccessDenied");
            assertThat(answer.string("PhysicalResourceId")).contains(name);
        }
        assertThat(describe(name)).isPresent();
        // Once CloudFormation can be asked, the retried stack deletion removes it.
        assertThat(invoke(handler(AwsEmulator.clients()), event("Delete", name, properties, null)).string("Status"))
                .contains("SUCCESS");
        assertGone(name);
    }

    @Test
    void aRollbackUpdateSucceedsWithTheConnectionAsItIsWhenTheSecretNoLongerServes() {
        // The forward Update failed because the secret now holds a credential of the wrong type. The rollback
        // re-reads the same secret: failing it too would leave the stack UPDATE_ROLLBACK_FAILED.
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-rb-secret");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(name, AuthorizationType.API_KEY, secretArn, "v1");
        Map<String, Object> after = properties(name, AuthorizationType.API_KEY, secretArn, "v2");
        assertSuccess(invoke(handler, event("Create", null, before, null)), name);
        String description = describe(name).orElseThrow().description();
        putSecretValue(secretArn, credential(AuthorizationType.BASIC, "v2"));
        JsonObject failed = invoke(handler, event("Update", name, after, before));
        assertThat(failed.string("Status")).contains("FAILED");

        String rollback = event("Update", name, before, after);
        cloudFormation.stack(stackId, "UPDATE_ROLLBACK_IN_PROGRESS");
        JsonObject answer = invoke(handler, rollback);

        assertSuccess(answer, name);
        assertThat(answer.object("Data").orElseThrow().string("Arn")).isPresent();
        assertThat(describe(name).orElseThrow().description()).isEqualTo(description);
        assertThat(output.logLines("rollback keeps the connection as it is")).singleElement()
                .satisfies(line -> assertThat(line.string("connectionName")).contains(name));
        // A forward Update with the same unusable secret still fails: only a rollback is lenient.
        assertThat(invoke(handler, event("Update", name, after, before)).string("Status")).contains("FAILED");
        cleanUp(name);
    }

    @Test
    void aRenameRollbackReturnsToTheOldConnectionEvenWhenTheSecretNoLongerServes() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String original = AwsEmulator.uniqueName("sc-rb-rename");
        String renamed = AwsEmulator.uniqueName("sc-rb-rename");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> before = properties(original, AuthorizationType.API_KEY, secretArn, null);
        Map<String, Object> after = properties(renamed, AuthorizationType.API_KEY, secretArn, null);
        assertSuccess(invoke(handler, event("Create", null, before, null)), original);
        assertSuccess(invoke(handler, event("Update", original, after, before)), renamed);
        putSecretValue(secretArn, "not json at all");

        String rollback = event("Update", renamed, before, after);
        cloudFormation.stack(stackId, "UPDATE_ROLLBACK_IN_PROGRESS");
        assertSuccess(invoke(handler, rollback), original);

        String cleanup = event("Delete", renamed, after, null);
        cloudFormation.stack(stackId, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");
        cloudFormation.resource(stackId, "PartnerConnection", "Custom::EventBridgeConnection", original);
        assertThat(invoke(handler, cleanup).string("Status")).contains("SUCCESS");
        assertGone(renamed);
        assertThat(describe(original)).isPresent();
        cleanUp(original);
    }

    // ------------------------------------------------------------------ marker, conflicts (issue 12.5)

    @Test
    void everyWriteRecordsTheSourceSecretAndTheVersionItCarries() {
        String secretArn = createSecret(credential(AuthorizationType.BASIC, "v1"));
        String name = AwsEmulator.uniqueName("sc-source");
        ConnectionProviderHandler handler = handler(AwsEmulator.clients());
        Map<String, Object> properties = properties(name, AuthorizationType.BASIC, secretArn, "v1");
        assertSuccess(invoke(handler, event("Create", null, properties, null)), name);
        ConnectionMarker created = ConnectionMarker.find(describe(name).orElseThrow().description()).orElseThrow();
        assertThat(created.namesSource(secretArn)).isTrue();
        assertThat(created.carriesVersion(currentVersion(secretArn))).isTrue();

        putSecretValue(secretArn, credential(AuthorizationType.BASIC, "v2"));
        assertSuccess(invoke(handler, event("Update", name, properties(name, AuthorizationType.BASIC, secretArn, "v2"),
                properties)), name);

        ConnectionMarker updated = ConnectionMarker.find(describe(name).orElseThrow().description()).orElseThrow();
        assertThat(updated.namesSource(secretArn)).isTrue();
        assertThat(updated.carriesVersion(currentVersion(secretArn))).isTrue();
        assertThat(updated.sameOwner(created)).isTrue();
        assertThat(updated.request()).isNotEqualTo(created.request());
        cleanUp(name);
    }

    @Test
    void concurrentModificationsOfUpdateAndDeleteAreRetried() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-conflict");
        Map<String, Object> properties = properties(name, AuthorizationType.API_KEY, secretArn, "v1");
        assertSuccess(invoke(handler(AwsEmulator.clients()), event("Create", null, properties, null)), name);
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            failThenProxy(stub, "UpdateConnection", 2, 400, "ConcurrentModificationException");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());
            ConnectionProviderHandler handler = handler(stub.clients());

            assertSuccess(invoke(handler, event("Update", name, properties(name, AuthorizationType.API_KEY, secretArn, "v2"),
                    properties)), name);
            assertThat(stub.requests("UpdateConnection")).hasSize(3);
            assertThat(describe(name).orElseThrow().description()).startsWith("v2 [stepconnect:");

            stub.reset();
            failThenProxy(stub, "DeleteConnection", 2, 400, "ConcurrentModificationException");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());
            assertThat(invoke(handler, event("Delete", name, properties, null)).string("Status")).contains("SUCCESS");
            assertThat(stub.requests("DeleteConnection")).hasSize(3);
        }
        assertGone(name);
    }

    // ------------------------------------------------------------------ private APIs, long waits (issue 12.3)

    @Test
    void connectivityParametersReachEventBridge() {
        String secretArn = createSecret(credential(AuthorizationType.OAUTH_CLIENT_CREDENTIALS, "v1"));
        String name = AwsEmulator.uniqueName("sc-private");
        String invocationConfig = "arn:aws:vpc-lattice:us-east-1:123456789012:resourceconfiguration/rcfg-0123456789abcdef0";
        String oauthConfig = "arn:aws:vpc-lattice:us-east-1:123456789012:resourceconfiguration/rcfg-0fedcba9876543210";
        Map<String, Object> properties = properties(name, AuthorizationType.OAUTH_CLIENT_CREDENTIALS, secretArn, null);
        properties.put("InvocationConnectivityParameters", Map.of("ResourceParameters",
                Map.of("ResourceConfigurationArn", invocationConfig)));
        properties.put("OAuthConnectivityParameters", Json.write(Map.of("ResourceParameters",
                Map.of("ResourceConfigurationArn", oauthConfig))));
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());
            ConnectionProviderHandler handler = handler(stub.clients());

            assertSuccess(invoke(handler, event("Create", null, properties, null)), name);
            assertSuccess(invoke(handler, event("Update", name, properties, properties)), name);

            for (String operation : List.of("CreateConnection", "UpdateConnection")) {
                JsonObject sent = Json.parseObject(stub.requests(operation).get(0).getBodyAsString());
                assertThat(sent.requiredObject("InvocationConnectivityParameters").requiredObject("ResourceParameters")
                        .string("ResourceConfigurationArn")).as(operation).contains(invocationConfig);
                assertThat(sent.requiredObject("AuthParameters").requiredObject("ConnectivityParameters")
                        .requiredObject("ResourceParameters").string("ResourceConfigurationArn")).as(operation)
                        .contains(oauthConfig);
            }
        }
        cleanUp(name);
    }

    @Test
    void failedConnectivityIsAFailureThatSaysWhy() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-failconn");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            connectionStateAfterFirstLook(stub, name, "FAILED_CONNECTIVITY",
                    "Resource configuration rcfg-0123456789abcdef0 is not reachable " + "x".repeat(2000));
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()),
                    event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow()).contains("FAILED_CONNECTIVITY")
                    .contains("rcfg-0123456789abcdef0 is not reachable").hasSizeLessThan(700);
        }
        assertGone(name);
    }

    @Test
    void aPrivateConnectionThatEndsActiveIsReadyAndDataStateSaysSo() {
        // A connection to a private API (VPC Lattice) ends ACTIVE rather than AUTHORIZED (#12.3).
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-active");
        String create = event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null);
        String written = ConnectionMarker.of(stackId, "PartnerConnection",
                Json.parseObject(create).string("RequestId").orElseThrow()).render();
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            connectionStateAfterFirstLook(stub, name, "ACTIVE", null, written);
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()), create);

            assertSuccess(answer, name);
            assertThat(answer.requiredObject("Data").string("State")).contains("ACTIVE");
        }
        cleanUp(name);
    }

    @Test
    void aConnectionThatEndsDeauthorizedIsAFailureThatSaysWhy() {
        String secretArn = createSecret(credential(AuthorizationType.API_KEY, "v1"));
        String name = AwsEmulator.uniqueName("sc-deauth");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            connectionStateAfterFirstLook(stub, name, "DEAUTHORIZED", "Authorization failed with status 401");
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients()),
                    event("Create", null, properties(name, AuthorizationType.API_KEY, secretArn, null), null));

            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow()).contains("DEAUTHORIZED")
                    .contains("Authorization failed with status 401");
        }
        assertGone(name);
    }

    @Test
    void aConnectionStillAuthorizingAtTheDeadlineIsHandedOnAndAnsweredOnce() {
        String name = AwsEmulator.uniqueName("sc-handon");
        String event = oauthCreate(name);
        int queuedBefore = lambda.invocations().size();
        runWhileAuthorizing(name, event);
        assertThat(receiver.all()).isEmpty();
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> queued =
                lambda.invocations().subList(queuedBefore, lambda.invocations().size());
        assertThat(queued).singleElement().satisfies(request -> {
            assertThat(request.getUrl()).contains("stepconnect-test%3Alive");
            assertThat(request.getHeader("X-Amz-Invocation-Type")).isEqualTo("Event");
        });
        JsonObject continued = Json.parseObject(queued.get(0).getBodyAsString());
        assertThat(continued.requiredObject("StepConnectContinuation").number("attempt")).contains(1L);
        assertThat(continued.string("RequestId")).isEqualTo(Json.parseObject(event).string("RequestId"));
        assertThat(output.logLines("request handed on to a later invocation")).singleElement()
                .satisfies(line -> assertThat(line.string("outcome")).contains("HANDED_ON"));

        // The later invocation finds the connection AUTHORIZED: the one answer.
        JsonObject answer = invoke(handler(AwsEmulator.clients(), "600"), Json.write(continued.asMap()));
        assertSuccess(answer, name);
        assertThat(answer.requiredObject("Data").string("State")).contains("AUTHORIZED");
        assertThat(receiver.all()).hasSize(1);
        cleanUp(name);
    }

    @Test
    void aRenameWhoseHandOnFailsLeavesNoConnectionBehind() {
        // The FAILED answer keeps the old Name: CloudFormation never learns of the new connection and never
        // sends a Delete for it, so the provider must remove it itself.
        String secretArn = createSecret(credential(AuthorizationType.OAUTH_CLIENT_CREDENTIALS, "v1"));
        String original = AwsEmulator.uniqueName("sc-handon-rename");
        String renamed = AwsEmulator.uniqueName("sc-handon-rename");
        Map<String, Object> before = properties(original, AuthorizationType.OAUTH_CLIENT_CREDENTIALS, secretArn, null);
        Map<String, Object> after = properties(renamed, AuthorizationType.OAUTH_CLIENT_CREDENTIALS, secretArn, null);
        assertSuccess(invoke(handler(AwsEmulator.clients()), event("Create", null, before, null)), original);
        String update = event("Update", original, after, before);
        String written = ConnectionMarker.of(stackId, "PartnerConnection",
                Json.parseObject(update).string("RequestId").orElseThrow()).render();
        lambda.fail(403, "AccessDeniedException");
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            connectionStateAfterFirstLook(stub, renamed, "AUTHORIZING", null, written);
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients(), "600"), update, Duration.ofSeconds(4));

            assertThat(answer.string("Status")).contains("FAILED");
            assertThat(answer.string("Reason").orElseThrow()).contains("handing the request on");
            assertThat(answer.string("PhysicalResourceId")).contains(original);
        } finally {
            lambda.accept();
        }
        assertGone(renamed);
        assertThat(describe(original)).isPresent();
        cleanUp(original);
    }

    @Test
    void aHandOnDeliveredTwiceWritesNothingAgainAndEachDeliveryAnswersOnce() {
        String name = AwsEmulator.uniqueName("sc-handon-dup");
        String event = oauthCreate(name);
        int queuedBefore = lambda.invocations().size();
        runWhileAuthorizing(name, event);
        String continued = lambda.invocations().get(queuedBefore).getBodyAsString();

        // Lambda delivers the asynchronous hand-on at least once: here twice.
        try (AwsJsonStub recorder = new AwsJsonStub("AWSEvents")) {
            recorder.proxyUnmatchedTo(AwsEmulator.endpoint());
            ConnectionProviderHandler handler = handler(recorder.clients(), "600");
            assertSuccess(invoke(handler, continued), name);
            assertSuccess(invoke(handler, continued), name);
            assertThat(recorder.requests("CreateConnection")).isEmpty();
            assertThat(recorder.requests("UpdateConnection")).isEmpty();
            assertThat(recorder.requests("DeleteConnection")).isEmpty();
        }
        assertThat(describe(name).orElseThrow().connectionState()).isEqualTo(ConnectionState.AUTHORIZED);
        cleanUp(name);
    }

    @Test
    void theChainOfHandOnsIsBounded() {
        String secretArn = createSecret(credential(AuthorizationType.OAUTH_CLIENT_CREDENTIALS, "v1"));
        String name = AwsEmulator.uniqueName("sc-chainend");
        Map<String, Object> event = new LinkedHashMap<>(Json.parseObject(event("Create", null,
                properties(name, AuthorizationType.OAUTH_CLIENT_CREDENTIALS, secretArn, null), null)).asMap());
        event.put("StepConnectContinuation", Map.of("attempt", CustomResourceRunner.MAX_HAND_ONS,
                "startedAt", java.time.Instant.now().minusSeconds(60).toString()));
        int queuedBefore = lambda.invocations().size();
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            connectionStateAfterFirstLook(stub, name, "AUTHORIZING", null);
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());

            JsonObject answer = invoke(handler(stub.clients(), "600"), Json.write(event), Duration.ofSeconds(4));

            assertFailedCreate(answer);
            assertThat(answer.string("Reason").orElseThrow()).contains("still AUTHORIZING");
        }
        assertThat(lambda.invocations()).hasSize(queuedBefore);
        assertGone(name);
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
        return ConnectionRequests.request(type, receiver.responseUrl(), stackId, "PartnerConnection", physicalId,
                properties, old);
    }

    private static Map<String, Object> properties(String name, AuthorizationType type, String secretArn, String description) {
        Map<String, Object> properties = ConnectionRequests.properties(name, type.name(), secretArn);
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

    /** A credentials secret its owner opted in (stepconnect:credentials=true). */
    private String createSecret(String secretString) {
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName("sc-cred")).secretString(secretString)
                .tags(Tag.builder().key("stepconnect:credentials").value("true").build())).arn();
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

    private void createConnectionDirectly(String name, String description) {
        String value = "direct-" + UUID.randomUUID();
        secretValues.add(value);
        events.createConnection(r -> r.name(name).description(description).authorizationType("API_KEY")
                .authParameters(a -> a.apiKeyAuthParameters(k -> k.apiKeyName("x-other").apiKeyValue(value))));
    }

    private String currentVersion(String secretArn) {
        return secrets.getSecretValue(r -> r.secretId(secretArn)).versionId();
    }

    /**
     * DescribeConnection of {@code name}: the first call (the look before creating) goes to the emulator,
     * every later one reports {@code state} (with {@code stateReason}, if any).
     */
    private static void connectionStateAfterFirstLook(AwsJsonStub stub, String name, String state, String stateReason) {
        connectionStateAfterFirstLook(stub, name, state, stateReason, null);
    }

    /** As above, the later answers carrying {@code description} (e.g. the marker the request wrote). */
    private static void connectionStateAfterFirstLook(AwsJsonStub stub, String name, String state, String stateReason,
                                                      String description) {
        String scenario = "state-of-" + name;
        stub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("created")
                .willReturn(aResponse().proxiedFrom(AwsEmulator.endpoint().toString())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", name);
        body.put("ConnectionArn", "arn:aws:events:us-east-1:123456789012:connection/" + name + "/0");
        body.put("ConnectionState", state);
        body.put("AuthorizationType", "API_KEY");
        if (stateReason != null) {
            body.put("StateReason", stateReason);
        }
        if (description != null) {
            body.put("Description", description);
        }
        stub.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .inScenario(scenario).whenScenarioStateIs("created")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(Json.write(body))));
    }

    /** A Create of {@code name} from a new opted-in OAuth client-credentials secret. */
    private String oauthCreate(String name) {
        String secretArn = createSecret(credential(AuthorizationType.OAUTH_CLIENT_CREDENTIALS, "v1"));
        return event("Create", null, properties(name, AuthorizationType.OAUTH_CLIENT_CREDENTIALS, secretArn, null), null);
    }

    /** Runs {@code event} with 4 s left while EventBridge reports connection {@code name} AUTHORIZING once created. */
    private void runWhileAuthorizing(String name, String event) {
        try (AwsJsonStub stub = new AwsJsonStub("AWSEvents")) {
            connectionStateAfterFirstLook(stub, name, "AUTHORIZING", null);
            stub.proxyUnmatchedTo(AwsEmulator.endpoint());
            run(handler(stub.clients(), "600"), event, Duration.ofSeconds(4));
        }
    }

    private void cleanUp(String name) {
        try {
            events.deleteConnection(r -> r.name(name));
        } catch (ResourceNotFoundException ignored) {
            // already gone
        }
    }
}
