package dev.stepconnect.demo;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.config.Environment;
import dev.stepconnect.connection.ConnectionProviderHandler;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.guardian.GuardianHandler;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.remediation.ExpressLogPayload;
import dev.stepconnect.remediation.RemediationHandler;
import dev.stepconnect.remediation.SweepHandler;
import dev.stepconnect.rotation.RotationHandler;
import dev.stepconnect.testing.CloudFormationStub;
import dev.stepconnect.testing.CloudWatchCborStub;
import dev.stepconnect.testing.MotoServer;
import dev.stepconnect.testing.ResponseReceiver;
import dev.stepconnect.testing.RotationStart;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * StepConnect's whole story on one machine: the four real handlers, invoked with the sample events in
 * {@code events/}, against a local AWS emulator (or {@code AWS_ENDPOINT_URL}), with a stand-in for the
 * third-party API. Prints what happens and exits non-zero if any step did not do what it should.
 * Run it with {@code ./run-local.sh}.
 */
public final class LocalStory {
    private static final String REGION = "us-east-1";
    private final PrintStream out;
    private final URI endpoint;
    private final boolean emulator;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private int step;

    LocalStory(URI endpoint, boolean emulator, PrintStream out) {
        this.endpoint = endpoint;
        this.emulator = emulator;
        this.out = out;
    }

    /** A step of the story did not do what it should. */
    static final class StoryFailedException extends RuntimeException {
        StoryFailedException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        String external = System.getenv("AWS_ENDPOINT_URL");
        int status;
        if (external != null && !external.isBlank()) {
            out.println("Using the AWS endpoint " + external + " (AWS_ENDPOINT_URL); nothing is started.");
            status = runAndReport(new LocalStory(URI.create(external.trim()), false, out));
        } else {
            MotoServer moto;
            try {
                moto = MotoServer.start();
            } catch (MotoServer.NotInstalledException e) {
                out.println("The local run needs a local AWS emulator: " + e.getMessage());
                System.exit(2);
                return;
            }
            try (moto) {
                out.println("Started a local AWS emulator (moto) at " + moto.uri());
                status = runAndReport(new LocalStory(moto.uri(), true, out));
            }
        }
        System.exit(status);
    }

    private static int runAndReport(LocalStory story) {
        try {
            story.run();
            story.out.println();
            story.out.println("All steps did what they should.");
            return 0;
        } catch (StoryFailedException e) {
            story.out.println();
            story.out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }

    /** CloudFormation's record of the story's stack (there is no real stack). */
    private CloudFormationStub stackRecords;

    void run() {
        // Handler logs and EMF lines go to stderr here so the account below stays readable.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try (PartnerApiStandIn partner = new PartnerApiStandIn();
             ResponseReceiver cloudFormation = new ResponseReceiver();
             CloudFormationStub stackRecords = new CloudFormationStub();
             CloudWatchCborStub cloudWatch = emulator ? new CloudWatchCborStub() : null;
             SecretsManagerClient secrets = client(SecretsManagerClient.builder());
             EventBridgeClient events = client(EventBridgeClient.builder());
             SfnClient sfn = client(SfnClient.builder())) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "AWS_REGION", REGION,
                    "AWS_ACCESS_KEY_ID", credential("AWS_ACCESS_KEY_ID"),
                    "AWS_SECRET_ACCESS_KEY", credential("AWS_SECRET_ACCESS_KEY"),
                    "AWS_ENDPOINT_URL", endpoint.toString(),
                    "STEPCONNECT_WAIT_SECONDS", "30",
                    "STEPCONNECT_TEST_MODE", "direct",
                    "STEPCONNECT_BASE_DELAY_SECONDS", "0"));
            String sessionToken = emulator ? null : System.getenv("AWS_SESSION_TOKEN");
            if (sessionToken != null && !sessionToken.isBlank()) {
                env.put("AWS_SESSION_TOKEN", sessionToken);
            }
            // The provider confirms Update/Delete with CloudFormation; this story has no real stack, so a
            // local stand-in plays CloudFormation's record of it (see customResource).
            env.put("AWS_ENDPOINT_URL_CLOUDFORMATION", stackRecords.endpoint().toString());
            this.stackRecords = stackRecords;
            if (cloudWatch != null) {
                // The Java SDK speaks Smithy RPC v2 CBOR to CloudWatch, which moto does not serve.
                env.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.endpoint().toString());
            }
            Environment environment = new Environment(env);

            String connectionName = "stepconnect-demo-" + runId;
            String secretArn = connectionSetUp(environment, partner, cloudFormation, secrets, events, connectionName);
            guardianSyncsAValuePutByHand(environment, partner, secrets, events, secretArn, connectionName);
            rotation(environment, partner, secrets, secretArn, connectionName);
            failedRotationRollsBack(environment, partner, secrets, secretArn);
            String machineArn = remediation(environment, sfn, cloudWatch);
            lostEventSwept(environment, sfn, machineArn);
            expressRemediation(env, sfn);
            connectionDeleted(environment, cloudFormation, events, connectionName, secretArn);
        } finally {
            System.setOut(stdout);
        }
    }

    // ------------------------------------------------------------------ 1. connection setup

    private String connectionSetUp(Environment env, PartnerApiStandIn partner, ResponseReceiver cloudFormation,
                                   SecretsManagerClient secrets, EventBridgeClient events, String connectionName) {
        heading("Connection setup: Custom::EventBridgeConnection from a credentials secret");
        String firstKey = newApiKey();
        partner.issue(firstKey);
        // The owner opts the secret in: StepConnect reads and tags only secrets marked stepconnect:credentials=true.
        String secretArn = secrets.createSecret(r -> r.name("stepconnect-demo/partner-" + runId)
                .secretString(apiKeySecret(firstKey))
                .tags(Tag.builder().key("stepconnect:credentials").value("true").build())).arn();
        say("stored the partner's API key in Secrets Manager: " + secretArn);

        JsonObject response = customResource(env, cloudFormation, "connection-create.json", connectionName, secretArn);
        expect("SUCCESS".equals(response.string("Status").orElse("")),
                "Create answered " + response.string("Status").orElse("nothing") + ": " + response.string("Reason").orElse(""));
        JsonObject data = response.requiredObject("Data");
        var described = events.describeConnection(r -> r.name(connectionName));
        expect(described.connectionStateAsString().equals("AUTHORIZED"), "connection is " + described.connectionStateAsString());
        say("CloudFormation got SUCCESS; connection " + connectionName + " is " + described.connectionStateAsString()
                + " (" + data.string("AuthorizationType").orElse("?") + ")");
        say("!GetAtt Arn = " + data.string("Arn").orElse("?"));
        List<Tag> tags = secrets.describeSecret(r -> r.secretId(secretArn)).tags();
        expect(tags.stream().anyMatch(t -> t.key().equals("stepconnect:connection") && t.value().contains(connectionName)),
                "LinkSecretForRotation did not tag the secret");
        say("the secret is now tagged stepconnect:connection=" + connectionName + " for RotationFunction");
        String description = events.describeConnection(r -> r.name(connectionName)).description();
        Optional<ConnectionMarker> marker = ConnectionMarker.find(description);
        if (!marker.map(m -> m.namesSource(secretArn)).orElse(false)) {
            // Rotation writes only to connections whose marker names the secret (docs/rotation.md, "Adopting a
            // connection"); the connection's owner records it with one UpdateConnection.
            String version = RotationStart.versionWith(secrets, secretArn, "AWSCURRENT");
            events.updateConnection(r -> r.name(connectionName).description(marker
                    .orElse(new ConnectionMarker(null, null, null, null)).carrying(secretArn, version).appendTo(description)));
            say("the connection's owner recorded the secret as its source in the connection's Description marker");
        }
        return secretArn;
    }

    // ------------------------------------------------------------------ 2. rotation

    private void rotation(Environment env, PartnerApiStandIn partner, SecretsManagerClient secrets, String secretArn,
                          String connectionName) {
        heading("Credential rotation: the partner issues a new key, StepConnect proves it and puts it live");
        secrets.tagResource(r -> r.secretId(secretArn).tags(
                Tag.builder().key("stepconnect:test-endpoint").value(partner.whoAmIUrl().toString()).build()));
        say("test endpoint (stand-in partner API): " + partner.whoAmIUrl());
        String previousVersion = RotationStart.versionWith(secrets, secretArn, "AWSCURRENT");
        String token = RotationStart.begin(secrets, secretArn);
        String newKey = newApiKey();
        partner.issue(newKey);
        secrets.putSecretValue(r -> r.secretId(secretArn).clientRequestToken(token).secretString(apiKeySecret(newKey))
                .versionStages("AWSPENDING"));
        say("Secrets Manager started rotation " + token + "; the operator staged the partner's new key as AWSPENDING");

        RotationHandler rotation = new RotationHandler(env);
        for (String stepName : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            invokeRotation(rotation, stepName, secretArn, token);
            say(stepName + ": done");
        }
        expect(RotationStart.stagesOf(secrets, secretArn, token).contains("AWSCURRENT"), "the new version is not AWSCURRENT");
        expect(RotationStart.stagesOf(secrets, secretArn, previousVersion).contains("AWSPREVIOUS"),
                "the old version is not AWSPREVIOUS");
        expect(partner.answers().contains(200), "the partner never accepted the new key");
        say("the new key is AWSCURRENT (old one AWSPREVIOUS); connection " + connectionName
                + " carries it; the partner answered " + partner.answers());
    }

    private void failedRotationRollsBack(Environment env, PartnerApiStandIn partner, SecretsManagerClient secrets,
                                         String secretArn) {
        heading("A bad credential never goes live: testSecret gets 401, StepConnect rolls back");
        String currentVersion = RotationStart.versionWith(secrets, secretArn, "AWSCURRENT");
        String token = RotationStart.begin(secrets, secretArn);
        String unknownKey = newApiKey();
        secrets.putSecretValue(r -> r.secretId(secretArn).clientRequestToken(token).secretString(apiKeySecret(unknownKey))
                .versionStages("AWSPENDING"));
        say("staged a key the partner never issued");
        RotationHandler rotation = new RotationHandler(env);
        invokeRotation(rotation, "createSecret", secretArn, token);
        invokeRotation(rotation, "setSecret", secretArn, token);
        try {
            invokeRotation(rotation, "testSecret", secretArn, token);
            throw new StoryFailedException("testSecret accepted a key the partner rejects");
        } catch (StoryFailedException e) {
            throw e;
        } catch (RuntimeException expected) {
            say("testSecret failed as it should: " + firstLine(expected.getMessage()));
        }
        expect(RotationStart.stagesOf(secrets, secretArn, token).isEmpty(), "AWSPENDING was left on the rejected version");
        expect(RotationStart.versionWith(secrets, secretArn, "AWSCURRENT").equals(currentVersion), "AWSCURRENT moved");
        say("rolled back: AWSCURRENT unchanged, AWSPENDING removed, the connection is back on the working key");
    }

    private void invokeRotation(RotationHandler rotation, String stepName, String secretArn, String token) {
        Map<String, Object> event = new HashMap<>(sample("rotation-" + stepName + ".json").asMap());
        event.put("SecretId", secretArn);
        event.put("ClientRequestToken", token);
        event.put("RotationToken", UUID.randomUUID().toString());
        invoke(rotation, event, Duration.ofMinutes(3));
    }

    // ------------------------------------------------------------------ 1b. connection guardian

    private void guardianSyncsAValuePutByHand(Environment env, PartnerApiStandIn partner, SecretsManagerClient secrets,
                                              EventBridgeClient events, String secretArn, String connectionName) {
        heading("Connection guardian: an operator puts a new key into the secret by hand, the guardian syncs the connection");
        secrets.tagResource(r -> r.secretId(secretArn).tags(Tag.builder().key("stepconnect:credentials").value("true").build(),
                Tag.builder().key("stepconnect:test-endpoint").value(partner.whoAmIUrl().toString()).build()));
        String description = events.describeConnection(r -> r.name(connectionName)).description();
        ConnectionMarker marker = ConnectionMarker.find(description).orElse(new ConnectionMarker(null, null, null, null));
        if (!marker.namesSource(secretArn)) {
            // A connection written before source secrets were recorded: its owner adopts it (docs/connection.md).
            ConnectionMarker adopted = new ConnectionMarker(marker.owner(), marker.request(),
                    ConnectionMarker.sourceHash(secretArn), null);
            events.updateConnection(r -> r.name(connectionName).description(adopted.appendTo(description)));
            say("adopted: the connection's marker now names the secret as its source");
        }
        String oldKey = Json.parseObject(secrets.getSecretValue(r -> r.secretId(secretArn)).secretString())
                .requiredString("apiKeyValue");
        String handKey = newApiKey();
        partner.issue(handKey);
        partner.revoke(oldKey);
        secrets.putSecretValue(r -> r.secretId(secretArn).secretString(apiKeySecret(handKey)));
        String current = secrets.getSecretValue(r -> r.secretId(secretArn).versionStage("AWSCURRENT")).versionId();
        say("the partner issued a new key and revoked the old one; the operator ran put-secret-value outside any"
                + " rotation: AWSCURRENT is now version " + current);

        Map<String, Object> event = new HashMap<>(sample("guardian-cloudtrail-put-secret-value.json").asMap());
        Map<String, Object> detail = new HashMap<>(sample("guardian-cloudtrail-put-secret-value.json").requiredObject("detail").asMap());
        detail.put("requestParameters", Map.of("secretId", secretArn));
        detail.put("responseElements", Map.of("arn", secretArn));
        event.put("detail", detail);
        int answersBefore = partner.answers().size();
        JsonObject answer = invoke(new GuardianHandler(env), event, Duration.ofMinutes(3));
        JsonObject outcome = answer.objects("outcomes").stream()
                .filter(o -> connectionName.equals(o.string("connection").orElse(null))).findFirst()
                .orElseThrow(() -> new StoryFailedException("the guardian said nothing about " + connectionName + ": " + answer.asMap()));
        expect("ok".equals(outcome.string("result").orElse("")), "the guardian did not sync: " + outcome.asMap());
        String after = events.describeConnection(r -> r.name(connectionName)).description();
        expect(ConnectionMarker.find(after).map(m -> m.carriesVersion(current)).orElse(false),
                "the connection's marker does not record AWSCURRENT's version");
        List<Integer> answers = partner.answers();
        expect(answers.size() > answersBefore && answers.get(answers.size() - 1) == 200,
                "the partner did not accept the synced key (the old one is revoked): " + answers);
        say("guardian: " + outcome.string("action").orElse("?") + " " + outcome.string("result").orElse("?")
                + "; connection " + connectionName + " carries version " + current + "; the partner answered 200");
    }

    // ------------------------------------------------------------------ 3. remediation

    private String remediation(Environment env, SfnClient sfn, CloudWatchCborStub cloudWatch) {
        heading("Failure remediation: a failed execution becomes a metric, an alarm and one retry");
        String machineName = "stepconnect-demo-orders-" + runId;
        String definition = """
                {"StartAt":"CallPartner","States":{
                  "CallPartner":{"Type":"Pass","Next":"PartnerThrottled"},
                  "PartnerThrottled":{"Type":"Fail","Error":"Lambda.TooManyRequestsException","Cause":"partner rate limit"}}}""";
        String machineArn = sfn.createStateMachine(r -> r.name(machineName).definition(definition)
                .roleArn("arn:aws:iam::123456789012:role/stepconnect-demo")
                .tags(software.amazon.awssdk.services.sfn.model.Tag.builder().key("stepconnect:auto-retry").value("true")
                        .build())).stateMachineArn();
        String executionArn = sfn.startExecution(r -> r.stateMachineArn(machineArn).name("order-1001")
                .input("{\"orderId\":\"1001\"}")).executionArn();
        DescribeExecutionResponse failed = awaitStopped(sfn, executionArn);
        expect(failed.status() == ExecutionStatus.FAILED, "the execution ended " + failed.status());
        say("state machine " + machineName + " (tagged stepconnect:auto-retry=true) ran order-1001: "
                + failed.status() + " with " + failed.error());

        Map<String, Object> batch = sqsBatchFor(failed);
        RemediationHandler remediation = new RemediationHandler(env);
        JsonObject answer = invoke(remediation, batch, Duration.ofMinutes(1));
        expect(answer.objects("batchItemFailures").isEmpty(), "the batch reported item failures");
        List<ExecutionListItem> runs = sfn.listExecutions(r -> r.stateMachineArn(machineArn)).executions();
        expect(runs.size() == 2, "expected the failed run and one retry, found " + runs.size() + " executions");
        String retryName = runs.stream().map(ExecutionListItem::name).filter(n -> !n.equals("order-1001")).findFirst()
                .orElseThrow();
        say("RemediationFunction classified the failure as retryable and started " + retryName);
        if (cloudWatch != null) {
            List<String> alarms = cloudWatch.putMetricAlarmRequests().stream()
                    .map(request -> String.valueOf(request.get("AlarmName"))).distinct().toList();
            expect(alarms.contains("stepconnect-" + machineName + "-failures"), "no failure alarm was put: " + alarms);
            say("alarm ensured: stepconnect-" + machineName + "-failures");
        }

        invoke(new RemediationHandler(env), batch, Duration.ofMinutes(1));
        int afterRedelivery = sfn.listExecutions(r -> r.stateMachineArn(machineArn)).executions().size();
        expect(afterRedelivery == 2, "a redelivered event produced another retry");
        say("the same event delivered again: no second retry (exactly once)");
        return machineArn;
    }

    private void lostEventSwept(Environment env, SfnClient sfn, String machineArn) {
        heading("A lost event: the sweep finds the failure nobody was told about and retries it once");
        String executionArn = sfn.startExecution(r -> r.stateMachineArn(machineArn).name("order-1002")
                .input("{\"orderId\":\"1002\"}")).executionArn();
        DescribeExecutionResponse failed = awaitStopped(sfn, executionArn);
        expect(failed.status() == ExecutionStatus.FAILED, "the execution ended " + failed.status());
        say("order-1002 failed and its event was never delivered to RemediationFunction");

        // The on-demand form of the sweep (events/sweep-on-demand.json, for real this time); the scheduled
        // run ({"sweep":"scheduled"}) does the same for every opted-in state machine of the account.
        Map<String, Object> filter = new HashMap<>(sample("sweep-on-demand.json").asMap());
        filter.put("stateMachineArn", machineArn);
        filter.put("dryRun", false);
        filter.remove("errors");
        SweepHandler sweep = new SweepHandler(env);
        JsonObject report = invoke(sweep, filter, Duration.ofMinutes(5));
        Map<String, String> outcomes = new HashMap<>();
        report.objects("executions").forEach(e -> outcomes.put(e.requiredString("executionArn"), e.requiredString("outcome")));
        expect("retried".equals(outcomes.get(executionArn)), "the sweep did not retry order-1002: " + outcomes);
        say("RemediationSweepFunction found order-1002 and retried it; order-1001 was recognised as already retried: "
                + outcomes.get(failed.executionArn().replace("order-1002", "order-1001")));

        JsonObject again = invoke(new SweepHandler(env), filter, Duration.ofMinutes(5));
        String second = again.objects("executions").stream().filter(e -> executionArn.equals(e.requiredString("executionArn")))
                .map(e -> e.requiredString("outcome")).findFirst().orElse("not listed");
        expect("alreadyRetried".equals(second), "a second sweep did not recognise order-1002's retry: " + second);
        long retriesOf1002 = sfn.listExecutions(r -> r.stateMachineArn(machineArn)).executions().stream()
                .filter(e -> e.name().startsWith("order-1002--retry2-")).count();
        expect(retriesOf1002 == 1, "expected one retry of order-1002, found " + retriesOf1002);
        say("a second sweep recognised order-1002 as already retried: exactly once across the event path and the sweep"
                + " (a retry that failed again is a new failure, decided on its own)");
    }

    // ------------------------------------------------------------------ 3b. Express workflows

    /**
     * An Express state machine's failure reaches RemediationFunction only as a CloudWatch Logs subscription
     * payload: the sample in events/ (aimed at a state machine created here) is retried once, with its
     * logged input; the same payload again, to a new container, is not.
     */
    private void expressRemediation(Map<String, String> baseEnv, SfnClient sfn) {
        heading("Express workflows: a failure delivered by CloudWatch Logs becomes a metric, an alarm and one retry");
        String machineName = "stepconnect-demo-express-" + runId;
        String logGroup = "/aws/vendedlogs/states/" + machineName;
        String bucket = "stepconnect-demo-ledger-" + runId;
        try (CloudWatchLogsClient logs = client(CloudWatchLogsClient.builder());
             S3Client s3 = client(S3Client.builder().forcePathStyle(true))) {
            logs.createLogGroup(r -> r.logGroupName(logGroup));
            s3.createBucket(r -> r.bucket(bucket));
            String logGroupArn = logs.describeLogGroups(r -> r.logGroupNamePrefix(logGroup)).logGroups().get(0).arn();
            String machineArn = sfn.createStateMachine(r -> r.name(machineName).type("EXPRESS")
                    .loggingConfiguration(l -> l.level("ALL").includeExecutionData(true)
                            .destinations(d -> d.cloudWatchLogsLogGroup(g -> g.logGroupArn(logGroupArn))))
                    .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}")
                    .roleArn("arn:aws:iam::123456789012:role/stepconnect-demo")
                    .tags(software.amazon.awssdk.services.sfn.model.Tag.builder().key("stepconnect:auto-retry")
                            .value("true").build())).stateMachineArn();
            String account = machineArn.split(":")[4];
            String data = Json.write(sample("remediation-express-logs.decoded.json").asMap())
                    .replace("arn:aws:states:us-east-1:123456789012:express:partner-orders-express",
                            machineArn.substring(0, machineArn.indexOf(":stateMachine:")) + ":express:" + machineName)
                    .replace("/aws/vendedlogs/states/partner-orders-express", logGroup)
                    .replace("\"owner\":\"123456789012\"", "\"owner\":\"" + account + "\"");
            Map<String, Object> payload = Map.of("awslogs", Map.of("data", ExpressLogPayload.encode(data)));
            say("Express state machine " + machineName + " (tagged stepconnect:auto-retry=true); order-2001 failed with "
                    + "States.Http.StatusCode.503, its log group delivered events/remediation-express-logs.json");

            Map<String, String> env = new HashMap<>(baseEnv);
            env.put("STEPCONNECT_RETRY_LEDGER_BUCKET", bucket);
            JsonObject answer = invoke(new RemediationHandler(new Environment(env)), payload, Duration.ofMinutes(1));
            expect(String.valueOf(answer.raw("outcomes")).contains("RETRY_STARTED=1"),
                    "the Express failure was not retried: " + answer.raw("outcomes"));
            expect(s3.listObjectsV2(r -> r.bucket(bucket)).contents().size() == 1, "no retry claim in the ledger bucket");
            say("RemediationFunction started order-2001--retry2-... with the logged input and claimed it in the ledger bucket");

            JsonObject again = invoke(new RemediationHandler(new Environment(env)), payload, Duration.ofMinutes(1));
            expect(String.valueOf(again.raw("outcomes")).contains("ALREADY_RETRIED=1"),
                    "the redelivered Express failure was not recognised: " + again.raw("outcomes"));
            say("the same payload delivered to a new container: no second retry (the S3 conditional write refused it)");
        }
    }

    private Map<String, Object> sqsBatchFor(DescribeExecutionResponse execution) {
        JsonObject sample = sample("remediation-sqs-failed.json");
        Map<String, Object> record = new HashMap<>(sample.objects("Records").get(0).asMap());
        Map<String, Object> event = new HashMap<>(Json.parseObject(String.valueOf(record.get("body"))).asMap());
        Map<String, Object> detail = new HashMap<>();
        detail.put("executionArn", execution.executionArn());
        detail.put("stateMachineArn", execution.stateMachineArn());
        detail.put("name", execution.name());
        detail.put("status", execution.statusAsString());
        detail.put("startDate", execution.startDate().toEpochMilli());
        detail.put("stopDate", execution.stopDate() == null ? null : execution.stopDate().toEpochMilli());
        detail.put("input", execution.input());
        detail.put("error", execution.error());
        detail.put("cause", execution.cause());
        detail.put("redriveCount", execution.redriveCount() == null ? 0 : execution.redriveCount());
        detail.put("redriveStatus", execution.redriveStatusAsString());
        event.put("detail", detail);
        event.put("resources", List.of(execution.executionArn()));
        record.put("body", Json.write(event));
        record.put("messageId", UUID.randomUUID().toString());
        return Map.of("Records", List.of(record));
    }

    private static DescribeExecutionResponse awaitStopped(SfnClient sfn, String executionArn) {
        for (int i = 0; i < 300; i++) {
            DescribeExecutionResponse described = sfn.describeExecution(r -> r.executionArn(executionArn));
            if (described.status() != ExecutionStatus.RUNNING) {
                return described;
            }
            sleep(100);
        }
        throw new StoryFailedException("the execution did not stop within 30 s");
    }

    // ------------------------------------------------------------------ 4. clean-up

    private void connectionDeleted(Environment env, ResponseReceiver cloudFormation, EventBridgeClient events,
                                   String connectionName, String secretArn) {
        heading("Stack deletion: Delete removes the connection");
        JsonObject response = customResource(env, cloudFormation, "connection-delete.json", connectionName, secretArn);
        expect("SUCCESS".equals(response.string("Status").orElse("")), "Delete answered " + response.asMap().get("Status"));
        boolean gone = events.listConnections(r -> r.namePrefix(connectionName)).connections().stream()
                .noneMatch(c -> c.name().equals(connectionName));
        expect(gone, "the connection still exists");
        say("CloudFormation got SUCCESS; connection " + connectionName + " is gone");
    }

    private JsonObject customResource(Environment env, ResponseReceiver cloudFormation, String sampleFile,
                                      String connectionName, String secretArn) {
        Map<String, Object> event = new HashMap<>(sample(sampleFile).asMap());
        Map<String, Object> properties = new HashMap<>(Json.parseObject(Json.write(event.get("ResourceProperties"))).asMap());
        properties.put("Name", connectionName);
        properties.put("CredentialsSecretArn", secretArn);
        event.put("ResourceProperties", properties);
        event.put("ResponseURL", cloudFormation.responseUrl().toString());
        event.put("StackId", "arn:aws:cloudformation:" + REGION + ":123456789012:stack/stepconnect-demo/" + runId);
        event.put("RequestId", UUID.randomUUID().toString());
        event.put("PhysicalResourceId", connectionName);
        String stackId = (String) event.get("StackId");
        stackRecords.stack(stackId, sampleFile.contains("delete") ? "DELETE_IN_PROGRESS"
                : sampleFile.contains("update") ? "UPDATE_IN_PROGRESS" : "CREATE_IN_PROGRESS");
        stackRecords.resource(stackId, String.valueOf(event.get("LogicalResourceId")),
                String.valueOf(event.get("ResourceType")), connectionName);
        cloudFormation.clear();
        invoke(new ConnectionProviderHandler(env), event, Duration.ofMinutes(5));
        List<ResponseReceiver.Received> accepted = cloudFormation.accepted();
        // A PUT whose reply is slow (a loaded machine) is sent again: delivery is at least once, and a repeat
        // must be the same answer, never a different outcome.
        expect(!accepted.isEmpty(), "expected an answer to CloudFormation, got none");
        JsonObject answer = accepted.get(0).json();
        for (ResponseReceiver.Received again : accepted) {
            expect(Json.write(again.json().asMap()).equals(Json.write(answer.asMap())),
                    "expected every delivery to CloudFormation to carry the same answer, got " + accepted.size() + " that differ");
        }
        return answer;
    }

    // ------------------------------------------------------------------ plumbing

    private JsonObject invoke(RequestStreamHandler handler, Map<String, Object> event, Duration timeLeft) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(Json.write(event).getBytes(StandardCharsets.UTF_8)), output,
                    new TestContext("stepconnect-demo", timeLeft, 1024));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = output.toString(StandardCharsets.UTF_8);
        return text.isBlank() ? Json.parseObject("{}") : Json.parseObject(text);
    }

    private static JsonObject sample(String fileName) {
        try {
            return Json.parseObject(Files.readString(Path.of("events", fileName)));
        } catch (IOException e) {
            throw new StoryFailedException("cannot read the sample event events/" + fileName + " (run from the repository root)");
        }
    }

    private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(B builder) {
        return builder.region(Region.of(REGION)).endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        credential("AWS_ACCESS_KEY_ID"), credential("AWS_SECRET_ACCESS_KEY"))))
                .build();
    }

    private String credential(String name) {
        String value = emulator ? null : System.getenv(name);
        return value == null || value.isBlank() ? "testing" : value;
    }

    private static String apiKeySecret(String key) {
        return Json.write(Map.of("authorizationType", "API_KEY", "apiKeyName", PartnerApiStandIn.KEY_HEADER, "apiKeyValue", key));
    }

    private static String newApiKey() {
        return "demo-" + UUID.randomUUID().toString().replace("-", "");
    }

    private void heading(String title) {
        step++;
        out.println();
        out.println(step + ". " + title);
    }

    private void say(String line) {
        out.println("   - " + line);
    }

    private static void expect(boolean condition, String failure) {
        if (!condition) {
            throw new StoryFailedException(failure);
        }
    }

    private static String firstLine(String text) {
        String value = String.valueOf(text);
        int newline = value.indexOf('\n');
        return newline < 0 ? value : value.substring(0, newline);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoryFailedException("interrupted");
        }
    }
}
