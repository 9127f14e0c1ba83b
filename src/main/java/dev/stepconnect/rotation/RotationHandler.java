package dev.stepconnect.rotation;

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
    private final Clock clock;

    public RotationHandler() {
        this(Environment.system());
    }

    /** Builds the real dependencies from {@code env} (the local run passes its own). */
    public RotationHandler(Environment env) {
        this(env, AwsClients.fromEnvironment(env));
    }

    RotationHandler(Environment env, AwsClients clients) {
        this(build(env, clients), Clock.systemUTC());
    }

    RotationHandler(RotationService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    /** Lambda-init wiring: only the clients the chosen test mode needs. */
    static RotationService build(Environment env, AwsClients clients) {
        RotationConfig config = RotationConfig.from(env);
        SfnClient sfn = config.testMode() == RotationConfig.TestMode.TEST_STATE
                ? clients.withTimeouts(clients.timeouts().forLongCalls()).sfn()
                : null;
        CredentialProbe probe = switch (config.testMode()) {
            case TEST_STATE -> new TestStateProbe(sfn, config.testRoleArn());
            case DIRECT -> new DirectProbe(DIRECT_PROBE_TIMEOUT);
            case NONE -> null;
        };
        if (config.testMode() == RotationConfig.TestMode.TEST_STATE && config.testRoleArn() == null) {
            LOG.warn("STEPCONNECT_TEST_MODE is test-state but STEPCONNECT_TEST_ROLE_ARN is not set: testSecret fails for"
                    + " every secret with a stepconnect:test-endpoint tag");
        }
        SecretsManagerClient secrets = clients.secretsManager();
        EventBridgeClient events = clients.eventBridge();
        RotationPriming.register(secrets, events, sfn);
        return new RotationService(new SecretStore(secrets), new ConnectionGateway(events, POLL_INTERVAL), probe,
                new RandomCredentialGenerator(), new Metrics(env.metricsNamespace()), config.connectionWait());
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
            throw fail(new InvalidRotationException("not a Secrets Manager rotation event: " + e.getMessage()), null);
        } catch (InvalidRotationException e) {
            throw fail(e, null);
        }
        Deadline deadline = Deadline.forInvocation(context, ANSWER_MARGIN, Duration.ofHours(1), clock);
        LOG.info("rotation step started", "step", event.step().wireName(), "secret", event.secretId(),
                "token", event.clientRequestToken());
        try {
            service.run(event, deadline);
        } catch (RuntimeException e) {
            throw fail(e, event);
        }
        LOG.info("rotation step done", "step", event.step().wireName(), "secret", event.secretId(),
                "token", event.clientRequestToken());
    }

    /**
     * Logs the failure and returns what to throw: our own exceptions as they are (their messages are
     * written to be safe), anything else wrapped so no SDK or parser text reaches the invocation result
     * unscrubbed.
     */
    private static RuntimeException fail(RuntimeException error, RotationEvent event) {
        LOG.error("rotation step failed", error, "step", event == null ? "unknown" : event.step().wireName(),
                "secret", event == null ? "unknown" : event.secretId(),
                "retryable", !(error instanceof InvalidRotationException || error instanceof RotationFailedException));
        if (error instanceof InvalidRotationException || error instanceof RotationFailedException
                || error instanceof RotationRetryableException) {
            return error;
        }
        return new RotationRetryableException(error.getClass().getSimpleName() + ": "
                + Redaction.scrub(String.valueOf(error.getMessage())));
    }
}
