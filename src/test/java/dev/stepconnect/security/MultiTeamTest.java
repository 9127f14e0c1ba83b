package dev.stepconnect.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.config.Environment;
import dev.stepconnect.connection.ConnectionProviderHandler;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.remediation.RemediationHandler;
import dev.stepconnect.rotation.RotationHandler;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.CloudFormationStub;
import dev.stepconnect.testing.CloudWatchCborStub;
import dev.stepconnect.testing.ConnectionRequests;
import dev.stepconnect.testing.Eventually;
import dev.stepconnect.testing.ResponseReceiver;
import dev.stepconnect.testing.RotationStart;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue #10 end to end, adversarially: two teams share one StepConnect deployment (one emulator account).
 * Team A owns a stack with a connection made by the provider from its opted-in secret, and a state machine
 * that has not opted into retries. Team B has ordinary rights on its own resources and the shared service
 * token, and replays the forged-request, takeover and redaction cases against the real handlers,
 * built through their public constructors from an environment as Lambda builds them. CloudFormation
 * (which the emulator cannot put into the states needed) is the HTTP-level {@link CloudFormationStub};
 * EventBridge is fronted by a recording proxy so that every write attempt is visible.
 */
@ExtendWith(AwsEmulator.class)
class MultiTeamTest {
    private static final String LOGICAL_ID = "OrdersConnection";
    private static final String TYPE = ConnectionRequests.RESOURCE_TYPE;
    private static final String ACCOUNT = ConnectionRequests.ACCOUNT;

    private final ResponseReceiver receiver = new ResponseReceiver();
    private final CloudFormationStub cloudFormation = new CloudFormationStub();
    private final AwsJsonStub events = new AwsJsonStub("AWSEvents");
    private final CloudWatchCborStub cloudWatch = new CloudWatchCborStub();
    private final String stackA = ConnectionRequests.stackId("team-a-orders");
    private final String stackB = ConnectionRequests.stackId("team-b-orders");
    private final String keyA = "team-a-key-" + UUID.randomUUID();
    private final String keyB = "team-b-key-" + UUID.randomUUID();
    private final List<String> secretValues = new ArrayList<>(List.of(keyA, keyB));
    private SecretsManagerClient secrets;
    private EventBridgeClient eventBridge;
    private CapturedOutput output;
    private String secretA;
    private String connectionA;
    private String descriptionA;

    @BeforeEach
    void teamAsStack() {
        events.proxyUnmatchedTo(AwsEmulator.endpoint());
        secrets = AwsEmulator.clients().secretsManager();
        eventBridge = AwsEmulator.clients().eventBridge();
        output = CapturedOutput.start();

        secretA = secret("team-a/orders", apiKey(keyA), Map.of("stepconnect:credentials", "true"));
        connectionA = AwsEmulator.uniqueName("team-a-orders");
        JsonObject created = provider(request("Create", stackA, null, properties(connectionA, secretA)));
        assertThat(created.string("Status")).contains("SUCCESS");
        descriptionA = describe(connectionA);
        assertThat(descriptionA).contains("stepconnect:owner=");
        events.reset();
        events.proxyUnmatchedTo(AwsEmulator.endpoint());
    }

    @AfterEach
    void nothingLeakedAndTeamAUntouched() {
        output.close();
        receiver.assertNothingLeaked(output.text(), secretValues);
        assertThat(describe(connectionA)).as("team A's connection").isEqualTo(descriptionA);
        assertThat(writesTo(connectionA)).as("writes to team A's connection").isEmpty();
        eventBridge.deleteConnection(r -> r.name(connectionA));
        receiver.close();
        cloudFormation.close();
        events.close();
        cloudWatch.close();
        secrets.close();
        eventBridge.close();
    }

    // ------------------------------------------------------------------ §2 takeover through rotation

    /**
     * Team B tags its own opted-in secret with team A's connection name (alone, and next to its own
     * connection) and rotates it: the step fails naming A's connection and why, nothing is written to A's
     * connection, and B's own connection never receives the pending credential either.
     */
    @Test
    void rotatingASecretTaggedWithAnotherTeamsConnectionWritesNothing() {
        String connectionB = AwsEmulator.uniqueName("team-b-orders");
        String secretB = secret("team-b/orders", apiKey(keyB), Map.of("stepconnect:credentials", "true"));
        assertThat(provider(request("Create", stackB, null, properties(connectionB, secretB))).string("Status"))
                .contains("SUCCESS");

        for (String tag : List.of(connectionA, connectionB + "," + connectionA)) {
            secrets.tagResource(r -> r.secretId(secretB).tags(Tag.builder().key("stepconnect:connection").value(tag).build()));
            String token = RotationStart.begin(secrets, secretB);
            String pending = "team-b-pending-" + UUID.randomUUID();
            secretValues.add(pending);
            secrets.putSecretValue(r -> r.secretId(secretB).clientRequestToken(token).secretString(apiKey(pending))
                    .versionStages("AWSPENDING"));
            events.reset();
            events.proxyUnmatchedTo(AwsEmulator.endpoint());

            List<String> failures = new ArrayList<>();
            for (String step : List.of("createSecret", "setSecret", "testSecret")) {
                try {
                    rotation(step, secretB, token);
                } catch (RuntimeException e) {
                    failures.add(e.getMessage());
                }
            }

            assertThat(failures).as(tag).isNotEmpty()
                    .anySatisfy(message -> assertThat(message).contains(connectionA).contains("marker"));
            assertThat(writesTo(connectionA)).as(tag).isEmpty();
            // B's own connection may be put back on B's AWSCURRENT credential; it never got the pending one.
            assertThat(events.requests("UpdateConnection")).as(tag)
                    .allSatisfy(r -> assertThat(r.getBodyAsString()).doesNotContain(pending));
            secrets.updateSecretVersionStage(r -> r.secretId(secretB).versionStage("AWSPENDING").removeFromVersionId(token));
        }
        eventBridge.deleteConnection(r -> r.name(connectionB));
    }

    // ------------------------------------------------------------------ §5 forged custom resource requests

    /** Team A's stack is at rest: a Delete or Update carrying its StackId did not come from CloudFormation. */
    @Test
    void forgedDeleteAndUpdateWithAnotherTeamsStackIdAreRefused() {
        String secretB = secret("team-b/orders", apiKey(keyB), Map.of("stepconnect:credentials", "true"));
        cloudFormation.stack(stackA, "UPDATE_COMPLETE").resource(stackA, LOGICAL_ID, TYPE, connectionA);

        JsonObject deleted = provider(request("Delete", stackA, connectionA, properties(connectionA, secretA)));
        JsonObject updated = provider(request("Update", stackA, connectionA, properties(connectionA, secretB)));

        assertThat(deleted.string("Status")).contains("SUCCESS");
        assertThat(updated.string("Status")).contains("FAILED");
        assertThat(updated.string("Reason").orElseThrow()).contains("request refused").contains("UPDATE_COMPLETE");
        assertThat(events.requests("DeleteConnection")).isEmpty();
        assertThat(output.logLines("request refused")).hasSizeGreaterThanOrEqualTo(2);
    }

    /**
     * Team A's stack really is updating, but not its connection (the resource is UPDATE_COMPLETE): team B
     * times a forged Update with A's StackId and logical id into that window. CloudFormation sends an Update
     * only for a resource it is updating, so this is refused too.
     */
    @Test
    void aForgedUpdateTimedIntoAnotherTeamsStackUpdateIsRefused() {
        String secretB = secret("team-b/orders", apiKey(keyB), Map.of("stepconnect:credentials", "true"));
        cloudFormation.stack(stackA, "UPDATE_IN_PROGRESS")
                .resource(stackA, LOGICAL_ID, TYPE, connectionA, "UPDATE_COMPLETE");

        JsonObject updated = provider(request("Update", stackA, connectionA, properties(connectionA, secretB)));

        assertThat(updated.string("Status")).contains("FAILED");
        assertThat(updated.string("Reason").orElseThrow()).contains("request refused");
    }

    /**
     * Team A's stack really is in an operation that sends Deletes (cleaning up after an update, rolling an
     * update back), but its connection is live (CloudFormation records it, not DELETE_IN_PROGRESS): a Delete
     * of it, timed into that window by team B, is not CloudFormation's.
     */
    @Test
    void aForgedDeleteTimedIntoAnotherTeamsCleanupIsRefused() {
        for (String status : List.of("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS",
                "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")) {
            cloudFormation.stack(stackA, status).resource(stackA, LOGICAL_ID, TYPE, connectionA, "UPDATE_COMPLETE");

            JsonObject deleted = provider(request("Delete", stackA, connectionA, properties(connectionA, secretA)));

            assertThat(deleted.string("Status")).as(status).contains("SUCCESS");
            assertThat(writesTo(connectionA)).as(status).isEmpty();
        }
        assertThat(output.logLines("request refused")).hasSize(3);
    }

    /** Team B's own, genuine stack operations aimed at A's connection name: never a takeover. */
    @Test
    void teamBsOwnStackCannotCreateUpdateOrDeleteTeamAsConnection() {
        String secretB = secret("team-b/orders", apiKey(keyB), Map.of("stepconnect:credentials", "true"));

        JsonObject create = provider(request("Create", stackB, null, properties(connectionA, secretB)));
        assertThat(create.string("Status")).contains("FAILED");
        assertThat(create.string("Reason").orElseThrow()).contains("not created by this stack");

        JsonObject update = provider(request("Update", stackB, connectionA, properties(connectionA, secretB)));
        assertThat(update.string("Status")).contains("FAILED");

        JsonObject delete = provider(request("Delete", stackB, connectionA, properties(connectionA, secretB)));
        assertThat(delete.string("Status")).contains("SUCCESS");
    }

    // ------------------------------------------------------------------ §3 opt-in

    /** Team B points its connection at a secret shaped like a credential that nobody opted in (an RDS secret). */
    @Test
    void aSecretNobodyOptedInIsRefusedByTheProvider() {
        String password = "rds-" + UUID.randomUUID();
        secretValues.add(password);
        String rds = secret("team-a/rds", Json.write(Map.of("username", "admin", "password", password, "engine", "postgres")),
                Map.of());
        String connectionB = AwsEmulator.uniqueName("team-b-rds");
        Map<String, Object> properties = properties(connectionB, rds);
        properties.put("AuthorizationType", "BASIC");
        properties.put("LinkSecretForRotation", "true");

        JsonObject answer = provider(request("Create", stackB, null, properties));

        assertThat(answer.string("Status")).contains("FAILED");
        assertThat(answer.string("Reason").orElseThrow()).contains("stepconnect:credentials=true");
        assertThat(events.requests("CreateConnection")).isEmpty();
        assertThat(secrets.describeSecret(r -> r.secretId(rds)).tags()).extracting(Tag::key)
                .doesNotContain("stepconnect:connection");
    }

    // ------------------------------------------------------------------ §4 forged failure messages

    /**
     * Team B sends the failure queue messages of its own making, with an input of its choosing, aimed at
     * team A's state machine (not opted in): one claims another source, one claims to be Step Functions'
     * own event. Nothing is started; the first ends in the dead-letter queue through SQS's own redrive.
     */
    @Test
    void forgedFailureMessagesStartNothingAndEndInTheDeadLetterQueue() {
        String chosen = "team-b-chosen-" + UUID.randomUUID();
        secretValues.add(chosen);
        try (SfnClient sfn = AwsEmulator.clients().sfn(); SqsClient sqs = sqs()) {
            String machineA = sfn.createStateMachine(r -> r.name(AwsEmulator.uniqueName("team-a-billing"))
                    .roleArn("arn:aws:iam::" + ACCOUNT + ":role/team-a").definition("""
                            {"StartAt":"Fail","States":{"Fail":{"Type":"Fail","Error":"States.Timeout","Cause":"late"}}}""")
            ).stateMachineArn();
            String executionA = sfn.startExecution(r -> r.stateMachineArn(machineA).input("{\"order\":1}")).executionArn();
            Eventually.await(Duration.ofSeconds(30), () -> sfn.describeExecution(r -> r.executionArn(executionA)).status(),
                    status -> status != ExecutionStatus.RUNNING);

            String dlq = sqs.createQueue(r -> r.queueName(AwsEmulator.uniqueName("failures-dlq"))).queueUrl();
            String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String queue = sqs.createQueue(r -> r.queueName(AwsEmulator.uniqueName("failures")).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "0",
                    QueueAttributeName.REDRIVE_POLICY, Json.write(Map.of("deadLetterTargetArn", dlqArn, "maxReceiveCount", "2")))))
                    .queueUrl();
            Map<String, Object> otherSource = failureEvent("team-b.app", executionA, machineA, chosen);
            Map<String, Object> claimsStepFunctions = failureEvent("aws.states", executionA, machineA, chosen);
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody(Json.write(otherSource)));
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody(Json.write(claimsStepFunctions)));
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody(Json.write(otherSource) + "}}garbage"));

            RemediationHandler handler = new RemediationHandler(environment(Map.of(
                    "AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.endpoint().toString(),
                    "STEPCONNECT_BASE_DELAY_SECONDS", "0")));
            // The event source mapping's part: deliver, delete what succeeded, let SQS redrive the rest.
            for (int round = 0; round < 6; round++) {
                List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10))
                        .messages();
                if (received.isEmpty()) {
                    continue;
                }
                List<String> failed = itemFailures(remediation(handler, sqsBatch(received)));
                for (Message message : received) {
                    if (!failed.contains(message.messageId())) {
                        sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(message.receiptHandle()));
                    }
                }
            }

            List<String> deadLetters = sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10)).messages().stream()
                    .map(Message::body).toList();
            assertThat(deadLetters).hasSize(2).allSatisfy(body -> assertThat(body).contains("team-b.app"));
            assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages()).isEmpty();
            assertThat(sfn.listExecutions(r -> r.stateMachineArn(machineA)).executions()).hasSize(1);
            assertThat(output.logLines("invalid message; reported as a batch item failure")).isNotEmpty();

            // A direct invoke with the same forged event, or trailing content, is refused as well.
            assertThatThrownBy(() -> remediation(handler, Json.write(otherSource))).hasMessageNotContaining(chosen);
            assertThatThrownBy(() -> remediation(handler, Json.write(claimsStepFunctions) + "}}garbage"))
                    .hasMessageNotContaining(chosen);
            assertThat(sfn.listExecutions(r -> r.stateMachineArn(machineA)).executions()).hasSize(1);
            sfn.deleteStateMachine(r -> r.stateMachineArn(machineA));
        }
    }

    // ------------------------------------------------------------------ §6 strict input

    /** A request with trailing content is answered FAILED and changes nothing, whatever it asks. */
    @Test
    void requestsWithTrailingContentAreAnsweredFailed() {
        String secretB = secret("team-b/orders", apiKey(keyB), Map.of("stepconnect:credentials", "true"));
        cloudFormation.stack(stackA, "DELETE_IN_PROGRESS").resource(stackA, LOGICAL_ID, TYPE, connectionA);
        String connectionB = AwsEmulator.uniqueName("team-b-strict");
        for (String trailing : List.of("}}garbage", " {\"RequestType\":\"Delete\"}", "]")) {
            JsonObject create = provider(request("Create", stackB, null, properties(connectionB, secretB)) + trailing);
            JsonObject delete = provider(request("Delete", stackA, connectionA, properties(connectionA, secretA)) + trailing);

            assertThat(create.string("Status")).as(trailing).contains("FAILED");
            assertThat(delete.string("Status")).as(trailing).contains("FAILED");
        }
        assertThat(events.requests("CreateConnection")).isEmpty();
        assertThat(events.requests("DeleteConnection")).isEmpty();
        String rotationEvent = Json.write(Map.of("Step", "setSecret", "SecretId", secretA, "ClientRequestToken", "t"));
        assertThatThrownBy(() -> rotationHandler().handleRequest(stream(rotationEvent + "}}garbage"),
                new ByteArrayOutputStream(), new TestContext(Duration.ofMinutes(1))))
                .hasMessageContaining("not a Secrets Manager rotation event");
    }

    // ------------------------------------------------------------------ helpers

    /** The environment Lambda gives a function, with every service aimed at the emulator or its stand-in. */
    private Environment environment(Map<String, String> extra) {
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
        env.putAll(extra);
        return new Environment(env);
    }

    private static SqsClient sqs() {
        return SqsClient.builder().region(AwsEmulator.region()).credentialsProvider(AwsEmulator.credentials())
                .endpointOverride(AwsEmulator.endpoint()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private JsonObject provider(String event) {
        int before = receiver.all().size();
        new ConnectionProviderHandler(environment(Map.of())).handleRequest(stream(event), null,
                new TestContext(Duration.ofMinutes(1)));
        List<ResponseReceiver.Received> answers = receiver.all().subList(before, receiver.all().size());
        assertThat(answers).hasSize(1);
        return answers.get(0).json();
    }

    private RotationHandler rotationHandler() {
        return new RotationHandler(environment(Map.of()));
    }

    private void rotation(String step, String secretArn, String token) {
        String event = Json.write(Map.of("Step", step, "SecretId", secretArn, "ClientRequestToken", token,
                "RotationToken", UUID.randomUUID().toString()));
        rotationHandler().handleRequest(stream(event), new ByteArrayOutputStream(), new TestContext(Duration.ofMinutes(2)));
    }

    private static JsonObject remediation(RemediationHandler handler, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(stream(payload), out, new TestContext());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parseObject(out.toString(StandardCharsets.UTF_8));
    }

    private static List<String> itemFailures(JsonObject response) {
        return response.objects("batchItemFailures").stream().map(f -> f.requiredString("itemIdentifier")).toList();
    }

    /** The SQS event Lambda's event source mapping builds from received messages. */
    private static String sqsBatch(List<Message> messages) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Message message : messages) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            record.put("attributes", Map.of("ApproximateReceiveCount", "1"));
            record.put("messageAttributes", Map.of());
            record.put("md5OfBody", message.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":stepconnect-FailureEventsQueue");
            record.put("awsRegion", "us-east-1");
            records.add(record);
        }
        return Json.write(Map.of("Records", records));
    }

    private static Map<String, Object> failureEvent(String source, String executionArn, String stateMachineArn, String input) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("executionArn", executionArn);
        detail.put("stateMachineArn", stateMachineArn);
        detail.put("name", executionArn.substring(executionArn.lastIndexOf(':') + 1));
        detail.put("status", "FAILED");
        detail.put("startDate", 1764050000000L);
        detail.put("stopDate", 1764050001000L);
        detail.put("input", "{\"note\":\"" + input + "\"}");
        detail.put("inputDetails", Map.of("included", true));
        detail.put("error", "States.Timeout");
        detail.put("cause", "late");
        detail.put("redriveCount", 0);
        detail.put("redriveStatus", "NOT_REDRIVABLE");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Step Functions Execution Status Change");
        event.put("source", source);
        event.put("account", ACCOUNT);
        event.put("time", "2026-11-25T06:00:00Z");
        event.put("region", "us-east-1");
        event.put("resources", List.of(executionArn));
        event.put("detail", detail);
        return event;
    }

    private String request(String type, String stackId, String physicalId, Map<String, Object> properties) {
        String event = ConnectionRequests.request(type, receiver.responseUrl(), stackId, LOGICAL_ID, physicalId,
                properties, type.equals("Update") ? properties : null);
        // What CloudFormation records while it really sends this request from this stack; a test that forges
        // a request overrides it afterwards with the stack's true state.
        if (stackId.equals(stackB) || type.equals("Create")) {
            cloudFormation.stack(stackId, switch (type) {
                case "Create" -> "CREATE_IN_PROGRESS";
                case "Update" -> "UPDATE_IN_PROGRESS";
                default -> "DELETE_IN_PROGRESS";
            }).resource(stackId, LOGICAL_ID, TYPE, physicalId, type.equals("Create") ? "CREATE_IN_PROGRESS"
                    : type.equals("Update") ? "UPDATE_IN_PROGRESS" : "DELETE_IN_PROGRESS");
        }
        return event;
    }

    private static Map<String, Object> properties(String name, String secretArn) {
        return ConnectionRequests.properties(name, "API_KEY", secretArn);
    }

    private String secret(String prefix, String json, Map<String, String> tags) {
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return secrets.createSecret(r -> r.name(AwsEmulator.uniqueName(prefix)).secretString(json).tags(tagList)).arn();
    }

    private static String apiKey(String value) {
        return Json.write(Map.of("apiKeyName", "x-api-key", "apiKeyValue", value));
    }

    private String describe(String name) {
        return eventBridge.describeConnection(r -> r.name(name)).description();
    }

    /** UpdateConnection and DeleteConnection requests that named {@code connection}. */
    private List<String> writesTo(String connection) {
        List<String> writes = new ArrayList<>();
        for (String operation : List.of("UpdateConnection", "DeleteConnection")) {
            events.requests(operation).stream().map(r -> Json.parseObject(r.getBodyAsString()))
                    .filter(body -> body.string("Name").filter(connection::equals).isPresent())
                    .forEach(body -> writes.add(operation));
        }
        return writes;
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
