package dev.stepconnect.rotation;

import dev.stepconnect.probe.OAuthTokenProbe;
import dev.stepconnect.probe.DirectProbe;
import dev.stepconnect.probe.TestStateProbe;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.config.Environment;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import dev.stepconnect.metrics.Metrics;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Secrets Manager rotation function: rotates a credentials secret into the EventBridge connections
 * named by its {@code stepconnect:connection} tag. Settings: {@code STEPCONNECT_TEST_MODE},
 * {@code STEPCONNECT_TEST_ROLE_ARN}, {@code STEPCONNECT_WAIT_SECONDS}.
 * A failed step throws, which is how a rotation function tells Secrets Manager to retry or give up.
 */
public final class RotationHandler implements RequestStreamHandler {
    private static final Log LOG = Log.named("rotation");
    /** Time kept back from the Lambda deadline to log and answer after a rollback. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(3);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    private static final Duration DIRECT_PROBE_TIMEOUT = Duration.ofSeconds(20);

    private final RotationService service;
    private final RotationMetrics metrics;
    private final Clock clock;

    public RotationHandler() {
        this(Environment.system());
    }

    /** Builds the real dependencies from {@code env} (the local run passes its own). */
    public RotationHandler(Environment env) {
        this(env, AwsClients.fromEnvironment(env));
    }

    RotationHandler(Environment env, AwsClients clients) {
        this(env, clients, new RotationMetrics(new Metrics(env.metricsNamespace())));
    }

    private RotationHandler(Environment env, AwsClients clients, RotationMetrics metrics) {
        this(build(env, clients, metrics), metrics, Clock.systemUTC());
    }

    RotationHandler(RotationService service, RotationMetrics metrics, Clock clock) {
        this.service = service;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Lambda-init wiring: only the clients the chosen test mode needs. */
    static RotationService build(Environment env, AwsClients clients, RotationMetrics metrics) {
        RotationConfig config = RotationConfig.from(env);
        SfnClient sfn = config.testMode() == RotationConfig.TestMode.TEST_STATE
                ? clients.withTimeouts(clients.timeouts().forLongCalls()).sfn()
                : null;
        OAuthTokenProbe tokens = new OAuthTokenProbe(DIRECT_PROBE_TIMEOUT);
        Proof proof = switch (config.testMode()) {
            case TEST_STATE -> new Proof(new TestStateProbe(sfn, config.testRoleArn()), tokens);
            case DIRECT -> new Proof(new DirectProbe(DIRECT_PROBE_TIMEOUT), tokens);
            case NONE -> Proof.none();
        };
        if (config.testMode() == RotationConfig.TestMode.TEST_STATE && config.testRoleArn() == null) {
            LOG.warn("STEPCONNECT_TEST_MODE is test-state but STEPCONNECT_TEST_ROLE_ARN is not set: testSecret fails for"
                    + " every secret with a stepconnect:test-endpoint tag");
        }
        SecretsManagerClient secrets = clients.secretsManager();
        EventBridgeClient events = clients.eventBridge();
        RotationPriming.register(secrets, events, sfn);
        return new RotationService(new SecretStore(secrets), new ConnectionGateway(events, POLL_INTERVAL), proof,
                new RandomCredentialGenerator(), metrics, config.connectionWait());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        // Credentials read during this step stay masked at least until it ends.
        try (Redaction.Scope step = Redaction.open()) {
            handleScoped(input, context);
        }
    }

    private void handleScoped(InputStream input, Context context) {
        RotationEvent event;
        try {
            event = RotationEvent.parse(Json.parseObject(input));
        } catch (JsonException e) {
            throw fail(RotationException.of(RotationException.Disposition.CONFIGURATION,
                    "not a Secrets Manager rotation event: " + e.getMessage()), null);
        } catch (RotationException e) {
            throw fail(e, null);
        }
        Deadline deadline = Deadline.forInvocation(context, ANSWER_MARGIN, Duration.ofHours(1), clock);
        LOG.info("rotation step started", "step", event.step().wireName(), "secret", event.secretId(),
                "token", event.clientRequestToken());
        try {
            service.run(event, deadline);
        } catch (RuntimeException e) {
            throw fail(RotationException.from(e), event);
        }
        LOG.info("rotation step done", "step", event.step().wireName(), "secret", event.secretId(),
                "token", event.clientRequestToken());
    }

    /**
     * The one place a failed step becomes an answer: logged with its disposition, counted
     * ({@code RotationFailed} per linked connection, or under {@code unknown} when the secret's tags name none,
     * plus {@code RotationRolledBack} after a rollback), and
     * thrown, which is how a rotation function tells Secrets Manager the step failed (Secrets Manager then
     * retries the whole rotation, from createSecret, a bounded number of times). The exception's class names
     * the disposition; its message is our own text, scrubbed of secret values.
     */
    private RotationException fail(RotationException failure, RotationEvent event) {
        LOG.error("rotation step failed", failure, "step", event == null ? "unknown" : event.step().wireName(),
                "secret", event == null ? "unknown" : event.secretId(), "disposition", failure.disposition().name(),
                "retryable", failure.disposition() == RotationException.Disposition.TRANSIENT);
        if (event == null) {
            return failure; // not a rotation event: no rotation to count
        }
        metrics.count(RotationMetrics.FAILED, failure.connections());
        if (failure.disposition() == RotationException.Disposition.ROLLED_BACK) {
            metrics.count(RotationMetrics.ROLLED_BACK, failure.connections());
        }
        return failure;
    }
}
