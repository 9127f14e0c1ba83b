package dev.stepconnect.guardian;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.config.Environment;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import dev.stepconnect.metrics.Metrics;
import dev.stepconnect.probe.CredentialProbe;
import dev.stepconnect.probe.DirectProbe;
import dev.stepconnect.probe.TestStateProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * ConnectionGuardianFunction: connection state events, CloudTrail secret-change events and its
 * schedule in; a JSON summary out ({@code {"trigger", "outcomes": [...]}} or {@code {"ignored": reason}}).
 * Malformed and foreign events are acknowledged (counted, logged without their bodies), never failed.
 * A recognised event whose work hit a passing failure is thrown as {@link GuardianRetryableException}
 * for Lambda's asynchronous retries and the on-failure destination.
 */
public final class GuardianHandler implements RequestStreamHandler {
    private static final Log LOG = Log.named("guardian");
    /** Time kept back from the Lambda deadline to log and answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(3);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    private static final Duration DIRECT_PROBE_TIMEOUT = Duration.ofSeconds(20);

    private final GuardianService service;
    private final GuardianMetrics metrics;
    private final Clock clock;

    public GuardianHandler() {
        this(Environment.system());
    }

    /** Builds the real dependencies from {@code env} (the local run passes its own). */
    public GuardianHandler(Environment env) {
        this(env, AwsClients.fromEnvironment(env));
    }

    GuardianHandler(Environment env, AwsClients clients) {
        this(env, clients, Clock.systemUTC());
    }

    GuardianHandler(Environment env, AwsClients clients, Clock clock) {
        Metrics metrics = new Metrics(env.metricsNamespace(), clock);
        this.service = build(env, clients, metrics, clock);
        this.metrics = new GuardianMetrics(metrics);
        this.clock = clock;
    }

    /** Lambda-init wiring: only the clients the chosen test mode needs. */
    static GuardianService build(Environment env, AwsClients clients, Metrics metrics, Clock clock) {
        GuardianSettings settings = GuardianSettings.from(env);
        SfnClient sfn = settings.testMode().equals("test-state")
                ? clients.withTimeouts(clients.timeouts().forLongCalls()).sfn() : null;
        CredentialProbe probe = switch (settings.testMode()) {
            case "test-state" -> new TestStateProbe(sfn, settings.testRoleArn());
            case "direct" -> new DirectProbe(DIRECT_PROBE_TIMEOUT);
            default -> null;
        };
        SecretsManagerClient secrets = clients.secretsManager();
        EventBridgeClient events = clients.eventBridge();
        GuardianPriming.register(secrets, events, sfn);
        return new GuardianService(new SecretsGateway(secrets), new ConnectionGateway(events, POLL_INTERVAL), probe,
                metrics, settings, clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // Credentials read during this invocation stay masked at least until it ends.
        try (Redaction.Scope invocation = Redaction.open()) {
            handleScoped(input, output, context);
        }
    }

    private void handleScoped(InputStream input, OutputStream output, Context context) throws IOException {
        GuardianEvent event;
        try {
            event = GuardianEvent.parse(Json.parseObject(input));
        } catch (JsonException e) {
            event = new GuardianEvent.Unrecognized("not a JSON object");
        }
        if (event instanceof GuardianEvent.Unrecognized unrecognized) {
            LOG.warn("event acknowledged without action", "reason", unrecognized.reason());
            metrics.ignored("unrecognized");
            answer(output, Map.of("ignored", unrecognized.reason()));
            return;
        }
        Deadline deadline = Deadline.forInvocation(context, ANSWER_MARGIN, Duration.ofMinutes(15), clock);
        LOG.info("guardian started", "trigger", event.kind(), "detail", describe(event));
        List<GuardianOutcome> outcomes;
        try {
            outcomes = service.handle(event, deadline);
        } catch (AwsServiceException | SdkClientException e) {
            String reason = e instanceof AwsServiceException aws
                    ? "AWS call failed: " + dev.stepconnect.aws.AwsErrors.code(aws) + " (HTTP " + aws.statusCode() + ")"
                    : "AWS call did not complete: " + e.getClass().getSimpleName();
            LOG.error("guardian could not finish; the event is retried", e, "trigger", event.kind());
            throw new GuardianRetryableException(event.kind() + ": " + reason);
        }
        List<String> deferred = outcomes.stream().filter(GuardianOutcome::deferred)
                .map(o -> o.connection() + " (" + Redaction.scrub(o.reason()) + ")").toList();
        LOG.info("guardian done", "trigger", event.kind(), "connections", outcomes.size(), "deferred", deferred.size());
        if (!deferred.isEmpty() && !(event instanceof GuardianEvent.ScheduledCheck)) {
            // The schedule looks again on its own; an event's work is retried by Lambda, then kept.
            throw new GuardianRetryableException("not finished, retry later: " + String.join("; ", deferred));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("trigger", event.kind());
        answer.put("outcomes", outcomes.stream().map(GuardianOutcome::toMap).toList());
        answer(output, answer);
    }

    private static String describe(GuardianEvent event) {
        if (event instanceof GuardianEvent.ConnectionStateChanged c) {
            return c.detailType() + " " + c.connectionName() + (c.changedAt() == null ? "" : " at " + c.changedAt());
        }
        if (event instanceof GuardianEvent.SecretChanged s) {
            return s.eventName() + " " + s.secretId();
        }
        return event.kind();
    }

    private static void answer(OutputStream output, Map<String, Object> body) throws IOException {
        output.write(Json.write(body).getBytes(StandardCharsets.UTF_8));
        output.flush();
    }
}
