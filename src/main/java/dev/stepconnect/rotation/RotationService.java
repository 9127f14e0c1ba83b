package dev.stepconnect.rotation;

import dev.stepconnect.eventbridge.ConnectionCredentialWriter;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import java.time.Duration;
import java.util.List;

/**
 * Secrets Manager's four rotation steps for a credentials secret that feeds EventBridge connections:
 * the guard, then {@link CreateSecretStep}, {@link SetSecretStep}, {@link TestSecretStep} or
 * {@link FinishSecretStep}; the linked connections are switched by {@link ConnectionSwitch}.
 *
 * <p>Invariant kept on every failure of createSecret, setSecret and testSecret: every linked connection
 * holds the AWSCURRENT credential, since nothing has proven the pending one yet ({@link Recovery}). A failed
 * finishSecret leaves the connections on the pending credential: testSecret has proven it.
 */
public final class RotationService {
    private static final Log LOG = Log.named("rotation");

    private final SecretStore store;
    private final ConnectionGateway gateway;
    private final ConnectionCredentialWriter writer;
    private final Duration waitPerConnection;
    private final CreateSecretStep createSecret;
    private final SetSecretStep setSecret;
    private final TestSecretStep testSecret;
    private final FinishSecretStep finishSecret;

    RotationService(SecretStore store, ConnectionGateway gateway, Proof proof, CredentialGenerator randomGenerator,
                    RotationMetrics metrics, Duration waitPerConnection) {
        this.store = store;
        this.gateway = gateway;
        this.writer = new ConnectionCredentialWriter(gateway);
        this.waitPerConnection = waitPerConnection;
        this.createSecret = new CreateSecretStep(randomGenerator, metrics);
        this.setSecret = new SetSecretStep();
        this.testSecret = new TestSecretStep(proof);
        this.finishSecret = new FinishSecretStep(metrics);
    }

    /**
     * Runs one step. {@code deadline} is when the invocation must have answered; forward work stops early
     * enough to leave time for putting the connections back.
     *
     * @throws RotationException naming the linked connections (for the metrics)
     */
    public void run(RotationEvent event, Deadline deadline) {
        SecretSnapshot secret = store.describe(event.secretId());
        List<String> linked = RotationSettings.linkedConnectionsIfValid(secret.tags());
        try {
            if (RotationGuard.check(secret, event.clientRequestToken()) == RotationGuard.Decision.ALREADY_CURRENT) {
                alreadyCurrent(event, secret);
                return;
            }
            RotationSettings settings = RotationSettings.fromTags(secret.tags(), secret.name());
            RotationContext context = new RotationContext(event, secret, settings, store,
                    new ConnectionSwitch(writer, gateway, secret, settings.connections()), deadline, waitPerConnection);
            switch (event.step()) {
                case CREATE_SECRET -> createSecret.run(context);
                case SET_SECRET -> setSecret.run(context);
                case TEST_SECRET -> testSecret.run(context);
                case FINISH_SECRET -> finishSecret.run(context);
            }
        } catch (RuntimeException e) {
            throw RotationException.from(e).concerning(linked);
        }
    }

    private void alreadyCurrent(RotationEvent event, SecretSnapshot secret) {
        String token = event.clientRequestToken();
        // finishSecret may have stopped between moving AWSCURRENT and removing AWSPENDING.
        if (event.step() == RotationStep.FINISH_SECRET && secret.stagesOf(token).contains(SecretSnapshot.PENDING)) {
            store.removePending(secret.arn(), token);
        }
        LOG.info("version is already AWSCURRENT, nothing to do", "step", event.step().wireName(), "secret", secret.name(),
                "token", token);
    }
}
