package dev.stepconnect.rotation;

import dev.stepconnect.probe.CredentialProbe;
import dev.stepconnect.probe.ProbeResult;
import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.eventbridge.ConnectionNotReadyException;
import dev.stepconnect.eventbridge.ConnectionRequestException;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import dev.stepconnect.metrics.Metrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Secrets Manager's four rotation steps for a credentials secret that feeds EventBridge connections.
 *
 * <p>Invariant kept on every failure of createSecret, setSecret and testSecret: every linked
 * connection holds the AWSCURRENT credential, since nothing has proven the pending one yet. A
 * definitive failure (credential refused, connection unusable) also removes AWSPENDING so the next
 * rotation starts clean; a transient one keeps AWSPENDING so Secrets Manager's retry continues the
 * same rotation (and puts the pending credential on again). A failed finishSecret leaves the connections
 * on the pending credential: testSecret has proven it, and the retry only moves the labels.
 */
public final class RotationService {
    private static final Log LOG = Log.named("rotation");

    private final SecretStore store;
    private final ConnectionGateway connections;
    private final CredentialProbe probe;
    private final CredentialGenerator randomGenerator;
    private final RotationMetrics metrics;
    private final Duration waitPerConnection;

    /** @param probe null when STEPCONNECT_TEST_MODE is {@code none} */
    public RotationService(SecretStore store, ConnectionGateway connections, CredentialProbe probe,
                           CredentialGenerator randomGenerator, Metrics metrics,
                           Duration waitPerConnection) {
        this.store = store;
        this.connections = connections;
        this.probe = probe;
        this.randomGenerator = randomGenerator;
        this.metrics = new RotationMetrics(metrics);
        this.waitPerConnection = waitPerConnection;
    }

    /**
     * Runs one step. {@code deadline} is when the invocation must have answered; forward work stops
     * early enough to leave time for a rollback.
     */
    public void run(RotationEvent event, Deadline deadline) {
        SecretSnapshot secret = store.describe(event.secretId());
        String token = event.clientRequestToken();
        List<String> linked = linkedConnectionsForMetrics(secret);
        try {
            RotationGuard.Decision decision = RotationGuard.check(secret, token);
            if (decision == RotationGuard.Decision.ALREADY_CURRENT) {
                alreadyCurrent(event, secret);
                return;
            }
            RotationSettings settings = RotationSettings.fromTags(secret.tags(), secret.name());
            Rotation rotation = new Rotation(event, secret, settings, deadline);
            switch (event.step()) {
                case CREATE_SECRET -> rotation.createSecret();
                case SET_SECRET -> rotation.setSecret();
                case TEST_SECRET -> rotation.testSecret();
                case FINISH_SECRET -> rotation.finishSecret();
            }
        } catch (RuntimeException e) {
            metrics.count(RotationMetrics.FAILED, linked);
            throw e;
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

    private static List<String> linkedConnectionsForMetrics(SecretSnapshot secret) {
        try {
            return RotationSettings.fromTags(secret.tags(), secret.name()).connections();
        } catch (InvalidRotationException e) {
            return List.of();
        }
    }

    /** One step's work on one secret. */
    private final class Rotation {
        private final RotationEvent event;
        private final SecretSnapshot secret;
        private final RotationSettings settings;
        private final Deadline deadline;
        private final String token;
        /** True once every connection is known to hold AWSCURRENT: nothing left to restore. */
        private boolean connectionsOnCurrent;

        Rotation(RotationEvent event, SecretSnapshot secret, RotationSettings settings, Deadline deadline) {
            this.event = event;
            this.secret = secret;
            this.settings = settings;
            this.deadline = deadline;
            this.token = event.clientRequestToken();
        }

        void createSecret() {
            String currentJson = store.current(secret.arn());
            Credential current = parseCurrent(currentJson);
            Optional<String> staged = store.pending(secret.arn(), token);
            if (staged.isPresent()) {
                parsePending(staged.get(), current.type(), false);
                log("keeping the value already staged as AWSPENDING for this token");
            } else if (settings.generator() == RotationSettings.Generator.PENDING) {
                throw new InvalidRotationException("no new credential is staged for this rotation of secret "
                        + secret.name() + " (stepconnect:generator is 'pending'). Stage it under this rotation's token,"
                        + " then let Secrets Manager retry the rotation: aws secretsmanager put-secret-value --secret-id '"
                        + secret.arn() + "' --client-request-token " + token
                        + " --version-stages AWSPENDING --secret-string file://new-credential.json");
            } else {
                Credential next = randomGenerator.next(current);
                store.putPending(secret.arn(), token, CredentialSecrets.write(next, currentJson), event.rotationToken());
                if (store.pending(secret.arn(), token).isEmpty()) {
                    throw new RotationRetryableException("the generated credential is not readable as AWSPENDING yet");
                }
                log("generated a new credential and stored it as AWSPENDING", "generator", "random");
            }
            metrics.count(RotationMetrics.STARTED, settings.connections());
        }

        void setSecret() {
            Credential current = parseCurrent(store.current(secret.arn()));
            Credential pending = parsePending(requireStaged(), current.type(), true);
            // A re-run cannot see whether an earlier run already put the pending credential on the
            // connections (it is write-only), so any failure here must take it off again.
            restoringCurrentOnFailure(current, () -> applyEverywhere(pending, current));
            log("every linked connection holds the pending credential", "connections", settings.connections());
        }

        void testSecret() {
            Credential current = parseCurrent(store.current(secret.arn()));
            // setSecret normally left the unproven pending credential on the connections: whatever fails
            // here (a setting, a throttled describe, a connection mid-change) must take it off again.
            restoringCurrentOnFailure(current, () -> proveOnEveryConnection(current));
        }

        /**
         * Runs {@code work}; on any failure every linked connection is put back on AWSCURRENT (unless a
         * rollback already did) and what could not be restored is added to the failure's message.
         */
        private void restoringCurrentOnFailure(Credential current, Runnable work) {
            try {
                work.run();
            } catch (RuntimeException e) {
                List<String> problems = restoreConnections(current);
                if (problems.isEmpty()) {
                    throw e;
                }
                String message = ownMessage(e) + "; restoring AWSCURRENT was incomplete: " + String.join("; ", problems);
                if (e instanceof InvalidRotationException) {
                    throw new InvalidRotationException(message);
                }
                if (e instanceof RotationFailedException) {
                    throw new RotationFailedException(message);
                }
                throw new RotationRetryableException(message);
            }
        }

        private static String ownMessage(RuntimeException e) {
            boolean own = e instanceof InvalidRotationException || e instanceof RotationFailedException
                    || e instanceof RotationRetryableException;
            return own ? e.getMessage() : e.getClass().getSimpleName() + ": " + Redaction.scrub(String.valueOf(e.getMessage()));
        }

        private void proveOnEveryConnection(Credential current) {
            // RotateImmediately=false calls testSecret alone on a version without a value: nothing new
            // exists, so the configuration is proven with the current credential, without writing to the
            // connections (they hold AWSCURRENT: no pending value could have been put on them).
            Optional<String> staged = store.pending(secret.arn(), token);
            connectionsOnCurrent = staged.isEmpty();
            Credential candidate = staged.isPresent() ? parsePending(staged.get(), current.type(), true) : current;
            Optional<URI> endpoint = settings.testEndpointIfSet();
            if (endpoint.isPresent() && probe != null) {
                probe.misconfiguration().ifPresent(problem -> {
                    throw new InvalidRotationException(problem);
                });
            }
            // DescribeConnection never returns the credential, so whether setSecret ran cannot be seen:
            // put the candidate on every connection (idempotent) before proving it.
            List<ConnectionDescription> ready = staged.isPresent() ? applyEverywhere(candidate, current)
                    : requireReadyAsTheyAre(current);
            if (endpoint.isEmpty() || probe == null) {
                log("connections are AUTHORIZED/ACTIVE with the credential under test; no probe configured",
                        "testEndpoint", endpoint.isPresent() ? "set" : "none");
                return;
            }
            List<ConnectionDescription> targets = probe.throughConnection() ? ready : ready.subList(0, 1);
            for (ConnectionDescription connection : targets) {
                ProbeResult result;
                try {
                    result = probe.probe(endpoint.get(), connection, candidate, forwardDeadline());
                } catch (RuntimeException e) {
                    result = ProbeResult.transientFailure("the probe failed unexpectedly: " + e.getClass().getSimpleName());
                }
                switch (result.outcome()) {
                    case PASSED -> log("test endpoint accepted the pending credential", "connection", connection.name(),
                            "detail", result.detail());
                    case REJECTED -> throw rollBack(current, "the pending credential failed its test through connection "
                            + connection.name() + ": " + result.detail());
                    case TRANSIENT -> throw retryLater(current, "the test endpoint gave no verdict through connection "
                            + connection.name() + ": " + result.detail());
                    // Configuration, not a verdict: AWSPENDING kept; restoringCurrentOnFailure puts the connections back.
                    case MISCONFIGURED -> throw new InvalidRotationException("testSecret could not probe through connection "
                            + connection.name() + ": " + result.detail() + ". AWSPENDING is kept: fix the configuration"
                            + " and reattempt the rotation");
                }
            }
        }

        void finishSecret() {
            String currentVersion = secret.versionWith(SecretSnapshot.CURRENT).orElseThrow();
            store.promote(secret.arn(), token, currentVersion);
            store.removePending(secret.arn(), token);
            metrics.count(RotationMetrics.SUCCEEDED, settings.connections());
            log("rotation finished: AWSCURRENT moved to the new version", "previousVersion", currentVersion);
        }

        private String requireStaged() {
            return store.pending(secret.arn(), token).orElseThrow(() -> new InvalidRotationException(
                    "secret " + secret.name() + " has no value staged as AWSPENDING for token " + token
                            + ": createSecret has not completed for this rotation"));
        }

        private Credential parseCurrent(String json) {
            try {
                return CredentialSecrets.parse(json);
            } catch (InvalidCredentialException e) {
                throw new InvalidRotationException("the AWSCURRENT value of secret " + secret.name()
                        + " is not a valid credentials secret: " + e.getMessage());
            }
        }

        /** A staged value that cannot work is a definitive failure: remove it so the operator can stage another. */
        private Credential parsePending(String json, AuthorizationType type, boolean connectionsMayHoldIt) {
            try {
                return CredentialSecrets.parse(json, type);
            } catch (InvalidCredentialException e) {
                String reason = "the value staged as AWSPENDING is not a valid " + type + " credential: " + e.getMessage();
                if (connectionsMayHoldIt) {
                    throw rollBack(parseCurrent(store.current(secret.arn())), reason);
                }
                List<String> problems = new ArrayList<>();
                removePendingOrReport(problems);
                metrics.count(RotationMetrics.ROLLED_BACK, settings.connections());
                throw new RotationFailedException(reason + "; " + (problems.isEmpty()
                        ? "AWSPENDING was removed from version " + token + ", start a new rotation with a corrected value"
                        : String.join("; ", problems)));
            }
        }

        /** Every connection exists, has the secret's authorization type and is not mid-change; else nothing is touched. */
        private List<ConnectionDescription> checkEverywhere(AuthorizationType type, Credential current) {
            List<ConnectionDescription> described = new ArrayList<>();
            for (String name : settings.connections()) {
                ConnectionDescription connection = connections.describe(name).orElse(null);
                if (connection == null) {
                    throw rollBack(current, "connection " + name + " (from tag stepconnect:connection) does not exist");
                }
                if (!type.name().equals(connection.authorizationType())) {
                    throw rollBack(current, "connection " + name + " uses " + connection.authorizationType()
                            + " but secret " + secret.name() + " holds a credential of type " + type);
                }
                if (connection.isChanging()) {
                    throw new RotationRetryableException("connection " + name + " is " + connection.state()
                            + "; retry when it has settled");
                }
                described.add(connection);
            }
            return described;
        }

        /** The configuration test (nothing staged): proves the connections as they are, never writes to them. */
        private List<ConnectionDescription> requireReadyAsTheyAre(Credential current) {
            List<ConnectionDescription> described = checkEverywhere(current.type(), current);
            for (ConnectionDescription connection : described) {
                if (!connection.isReady()) {
                    throw rollBack(current, "connection " + connection.name() + " is " + connection.state()
                            + " with the AWSCURRENT credential");
                }
            }
            return described;
        }

        /**
         * Checks every connection first (exists, same type, not mid-change) so that nothing is touched
         * when one of them cannot take the credential, then updates each and waits until it is ready.
         */
        private List<ConnectionDescription> applyEverywhere(Credential credential, Credential current) {
            checkEverywhere(credential.type(), current);
            List<ConnectionDescription> ready = new ArrayList<>();
            for (String name : settings.connections()) {
                try {
                    writeCredential(name, credential);
                    ready.add(connections.awaitReady(name, connectionDeadline()));
                } catch (ConnectionNotReadyException e) {
                    if (e.timedOut()) {
                        throw retryLater(current, e.getMessage());
                    }
                    throw rollBack(current, e.getMessage() + " after it was given the pending credential");
                } catch (ConnectionRequestException e) {
                    throw e.retryable() ? retryLater(current, e.getMessage()) : rollBack(current, e.getMessage());
                }
                log("connection holds the pending credential and is ready", "connection", name);
            }
            return ready;
        }

        /** Definitive failure: connections back on AWSCURRENT, AWSPENDING removed; returns the exception to throw. */
        private RotationFailedException rollBack(Credential current, String reason) {
            LOG.warn("rolling back the rotation", "step", event.step().wireName(), "secret", secret.name(), "token", token,
                    "reason", reason);
            List<String> problems = restoreConnections(current);
            removePendingOrReport(problems);
            metrics.count(RotationMetrics.ROLLED_BACK, settings.connections());
            return new RotationFailedException(Redaction.scrub("rotation of secret " + secret.name() + " rolled back: "
                    + reason + ". " + (problems.isEmpty()
                    ? "Every linked connection is back on the AWSCURRENT credential and AWSPENDING was removed."
                    : "Rollback incomplete: " + String.join("; ", problems))));
        }

        /** Transient failure: connections back on AWSCURRENT until the retry, AWSPENDING kept; returns the exception to throw. */
        private RotationRetryableException retryLater(Credential current, String reason) {
            LOG.warn("transient failure, Secrets Manager will retry the step", "step", event.step().wireName(),
                    "secret", secret.name(), "token", token, "reason", reason);
            List<String> problems = restoreConnections(current);
            return new RotationRetryableException(Redaction.scrub(reason + " (transient; AWSPENDING kept for the retry"
                    + (problems.isEmpty() ? ", connections back on the AWSCURRENT credential)" : "; " + String.join("; ", problems) + ")")));
        }

        /** Best effort on every linked connection that can take the credential; returns what went wrong. */
        private List<String> restoreConnections(Credential current) {
            List<String> problems = new ArrayList<>();
            if (connectionsOnCurrent) {
                return problems;
            }
            connectionsOnCurrent = true;
            for (String name : settings.connections()) {
                try {
                    Optional<ConnectionDescription> connection = connections.awaitSettled(name, restoreDeadline());
                    if (connection.isEmpty() || !current.type().name().equals(connection.get().authorizationType())) {
                        continue;
                    }
                    if (connection.get().isChanging()) {
                        problems.add("connection " + name + " could not be restored to the AWSCURRENT credential: still "
                                + connection.get().state() + " when the wait ran out");
                        LOG.error("could not restore connection to the AWSCURRENT credential: still changing", null,
                                "secret", secret.name(), "connection", name, "state", connection.get().state());
                        continue;
                    }
                    writeCredential(name, current);
                    connections.awaitReady(name, restoreDeadline());
                    LOG.info("connection restored to the AWSCURRENT credential", "secret", secret.name(), "connection", name);
                } catch (RuntimeException e) {
                    problems.add("connection " + name + " could not be restored to the AWSCURRENT credential ("
                            + e.getClass().getSimpleName() + ": " + Redaction.scrub(String.valueOf(e.getMessage())) + ")");
                    LOG.error("could not restore connection to the AWSCURRENT credential", e, "secret", secret.name(),
                            "connection", name);
                }
            }
            return problems;
        }

        private void removePendingOrReport(List<String> problems) {
            try {
                if (store.describe(secret.arn()).stagesOf(token).contains(SecretSnapshot.PENDING)) {
                    store.removePending(secret.arn(), token);
                }
            } catch (RuntimeException e) {
                problems.add("AWSPENDING could not be removed from version " + token + " (" + e.getClass().getSimpleName() + ")");
                LOG.error("could not remove AWSPENDING", e, "secret", secret.name(), "token", token);
            }
        }

        /** Puts {@code credential} on connection {@code name}, keeping its Description and marker as they are. */
        private void writeCredential(String name, Credential credential) {
            ConnectionDescription connection = connections.describe(name).orElseThrow(() -> new ConnectionNotReadyException(
                    "connection " + name + " does not exist", "MISSING", false));
            connections.updateCredential(connection, credential,
                    connection.marker().orElse(new ConnectionMarker(null, null, null, null)), connectionDeadline());
        }

        /** Forward work leaves a share of the invocation for a rollback. */
        private Deadline forwardDeadline() {
            Duration total = deadline.remaining();
            Duration reserve = total.dividedBy(3).compareTo(waitPerConnection) < 0 ? total.dividedBy(3) : waitPerConnection;
            return deadline.minus(reserve);
        }

        /** Each restored connection gets at most the configured wait, so one stuck connection cannot starve the others. */
        private Deadline restoreDeadline() {
            return Deadline.in(waitPerConnection, deadline.clock()).min(deadline);
        }

        private Deadline connectionDeadline() {
            return Deadline.in(waitPerConnection, deadline.clock()).min(forwardDeadline());
        }

        private void log(String message, Object... fields) {
            Object[] all = new Object[fields.length + 6];
            all[0] = "step";
            all[1] = event.step().wireName();
            all[2] = "secret";
            all[3] = secret.name();
            all[4] = "token";
            all[5] = token;
            System.arraycopy(fields, 0, all, 6, fields.length);
            LOG.info(message, all);
        }
    }
}
