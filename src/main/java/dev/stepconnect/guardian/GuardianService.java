package dev.stepconnect.guardian;

import dev.stepconnect.credentials.CredentialOptIn;
import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.credentials.CredentialSecrets;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.ConnectionCredentialWriter;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.eventbridge.ConnectionWriteException;
import dev.stepconnect.eventbridge.CredentialSource;
import dev.stepconnect.guardian.GuardianDecision.Action;
import dev.stepconnect.guardian.GuardianDecision.Trigger;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import dev.stepconnect.metrics.Metrics;
import dev.stepconnect.probe.CredentialProbe;
import dev.stepconnect.probe.ProbeResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Keeps every managed connection on its source secret's AWSCURRENT: heals DEAUTHORIZED and
 * FAILED_CONNECTIVITY connections, syncs drifted ones, never while a rotation runs, at most
 * {@code STEPCONNECT_HEAL_LIMIT} heals a connection in any 60 minutes, and never re-applies a credential
 * the partner refused. Decisions come from {@link GuardianDecision}; writes go through the shared
 * {@link ConnectionCredentialWriter} (only connections whose marker names the secret are ever written).
 */
public final class GuardianService {
    private static final Log LOG = Log.named("guardian");
    /** Below this much time left in the invocation, no write is started (it could not be awaited). */
    private static final Duration MIN_TIME_FOR_WRITE = Duration.ofSeconds(10);

    private final SecretsGateway secrets;
    private final ConnectionGateway connections;
    private final ConnectionCredentialWriter writer;
    private final CredentialProbe probe;
    private final GuardianMetrics metrics;
    private final GuardianSettings settings;
    private final Clock clock;

    /** @param probe null when STEPCONNECT_TEST_MODE is {@code none} */
    public GuardianService(SecretsGateway secrets, ConnectionGateway connections, CredentialProbe probe, Metrics metrics,
                           GuardianSettings settings, Clock clock) {
        this.secrets = secrets;
        this.connections = connections;
        this.writer = new ConnectionCredentialWriter(connections);
        this.probe = probe;
        this.metrics = new GuardianMetrics(metrics);
        this.settings = settings;
        this.clock = clock;
    }

    /** Handles one recognised event; one outcome per connection looked at. Unrecognized events are the handler's. */
    public List<GuardianOutcome> handle(GuardianEvent event, Deadline deadline) {
        if (event instanceof GuardianEvent.ConnectionStateChanged changed) {
            return onConnectionState(changed.connectionName(), deadline);
        }
        if (event instanceof GuardianEvent.SecretChanged changed) {
            return onSecret(changed.secretId(), Trigger.SECRET_CHANGE, deadline);
        }
        if (event instanceof GuardianEvent.ScheduledCheck) {
            return scheduledCheck(deadline);
        }
        throw new IllegalArgumentException("not an event the service handles: " + event.kind());
    }

    private List<GuardianOutcome> scheduledCheck(Deadline deadline) {
        List<GuardianOutcome> outcomes = new ArrayList<>();
        List<SecretsGateway.Listed> linked = secrets.listLinked();
        List<SecretsGateway.Listed> toCheck = new ArrayList<>(linked);
        // A secret whose last connection was unlinked (its stack deleted) is found by its leftover heal histories.
        List<String> linkedArns = linked.stream().map(SecretsGateway.Listed::arn).toList();
        try {
            secrets.listWithHistory().stream().filter(listed -> !linkedArns.contains(listed.arn())).forEach(toCheck::add);
        } catch (AwsServiceException | SdkClientException e) {
            // Only a clean-up: the connections are looked after without it, the next check tries again.
            LOG.warn("could not list secrets with heal histories; their clean-up waits for the next check", "error",
                    e instanceof AwsServiceException aws ? AwsErrors.code(aws) : e.getClass().getSimpleName());
        }
        for (SecretsGateway.Listed listed : toCheck) {
            if (!optedIn(listed)) {
                LOG.info("secret names a connection but is not opted in (stepconnect:credentials=true); not read",
                        "secretArn", listed.arn());
                continue;
            }
            try {
                outcomes.addAll(onSecret(listed.arn(), Trigger.SCHEDULED_CHECK, deadline));
            } catch (RuntimeException e) {
                for (String connection : SourceSecret.connectionsOf(listed.tags().get(CredentialSecrets.CONNECTION_TAG))) {
                    outcomes.add(report(awsFailure(connection, listed.arn(), null, null, e)));
                }
            }
        }
        return outcomes;
    }

    private List<GuardianOutcome> onConnectionState(String name, Deadline deadline) {
        List<SecretsGateway.Listed> naming = secrets.listLinked().stream()
                .filter(listed -> SourceSecret.connectionsOf(listed.tags().get(CredentialSecrets.CONNECTION_TAG)).contains(name))
                .toList();
        if (naming.isEmpty()) {
            return List.of(unmanaged(name, "no credentials secret names this connection in stepconnect:connection"));
        }
        Optional<ConnectionDescription> connection = connections.describe(name);
        if (connection.isEmpty()) {
            return List.of(unmanaged(name, "the connection no longer exists"));
        }
        Optional<ConnectionMarker> marker = connection.get().marker();
        Optional<SecretsGateway.Listed> source = naming.stream()
                .filter(listed -> marker.map(m -> m.namesSource(listed.arn())).orElse(false)).findFirst();
        if (source.isEmpty()) {
            return List.of(unmanaged(name, "the connection's marker names none of the secrets that list it as its source"));
        }
        if (!optedIn(source.get())) {
            return List.of(unmanaged(name, "its source secret is not opted in (stepconnect:credentials=true)"));
        }
        Optional<SourceSecret> secret = secrets.describe(source.get().arn());
        if (secret.isEmpty()) {
            return List.of(report(deletedSource(name, source.get().arn(), connection.get())));
        }
        try {
            boolean rotating = rotationInProgress(secret.get());
            return List.of(report(examine(secret.get(), name, connection.orElse(null), rotating, Trigger.CONNECTION_STATE, deadline)));
        } catch (RuntimeException e) {
            // As for a secret's connections: a passing failure defers (the event is retried), a definitive one fails.
            return List.of(report(awsFailure(name, secret.get().arn(), null, connection.get().state(), e)));
        }
    }

    private List<GuardianOutcome> onSecret(String secretId, Trigger trigger, Deadline deadline) {
        Optional<SourceSecret> found;
        try {
            found = secrets.describe(secretId);
        } catch (AwsServiceException e) {
            if (!"AccessDeniedException".equals(AwsErrors.code(e))) {
                throw e;
            }
            // The function may read only secrets tagged stepconnect:credentials=true (an aws:ResourceTag
            // condition), and CloudTrail reports changes of every secret in the account.
            LOG.info("secret is not readable by the guardian (not opted in with stepconnect:credentials=true); ignored",
                    "secretId", secretId, "trigger", trigger.name());
            metrics.ignored("not-opted-in");
            return List.of();
        }
        if (found.isEmpty()) {
            LOG.warn("source secret not found; nothing to do", "secretId", secretId, "trigger", trigger.name());
            return List.of();
        }
        SourceSecret secret = found.get();
        if (!secret.optedIn()) {
            LOG.info("secret is not opted in (stepconnect:credentials=true); its connections are not touched",
                    "secretArn", secret.arn(), "trigger", trigger.name());
            metrics.ignored("not-opted-in");
            return List.of();
        }
        if (!secret.deleted()) {
            removeExpiredHistories(secret);
        }
        boolean rotating = !secret.deleted() && rotationInProgress(secret);
        List<GuardianOutcome> outcomes = new ArrayList<>();
        for (String name : secret.connections()) {
            try {
                Optional<ConnectionDescription> connection = connections.describe(name);
                outcomes.add(report(secret.deleted() && connection.isPresent()
                        ? deletedSource(name, secret.arn(), connection.get())
                        : examine(secret, name, connection.orElse(null), rotating, trigger, deadline)));
            } catch (RuntimeException e) {
                outcomes.add(report(awsFailure(name, secret.arn(), null, null, e)));
            }
        }
        return outcomes;
    }

    /**
     * Removes the heal history tags that decide nothing any more: of connections the secret no longer names,
     * and those without a heal in the last 60 minutes or a refusal of AWSCURRENT. A secret holds at most 50
     * tags, so histories must not pile up (one per connection ever healed). Best effort: a failure is logged,
     * the tags stay, the connections are still looked after.
     *
     * @see <a href="https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html">Secrets Manager quotas</a>
     */
    private void removeExpiredHistories(SourceSecret secret) {
        String currentHash = secret.currentVersion().map(ConnectionMarker::versionHash).orElse("");
        Instant now = clock.instant();
        List<String> linked = secret.connections();
        List<String> expired = secret.historyConnections().stream()
                .filter(name -> !linked.contains(name) || secret.healHistory(name).expired(now, currentHash))
                .toList();
        if (expired.isEmpty()) {
            return;
        }
        try {
            secrets.removeHistories(secret.arn(), expired);
            LOG.info("heal histories removed", "secretArn", secret.arn(), "connections", String.join(",", expired));
        } catch (AwsServiceException | SdkClientException e) {
            LOG.warn("could not remove heal histories; they stay on the secret", "secretArn", secret.arn(),
                    "connections", String.join(",", expired), "error", e instanceof AwsServiceException aws
                            ? AwsErrors.code(aws) : e.getClass().getSimpleName());
        }
    }

    /**
     * Rotation enabled and an AWSPENDING version that is not also AWSCURRENT. AWS keeps no "running"
     * flag and a failed rotation leaves AWSPENDING behind, so one older than STEPCONNECT_ROTATION_STALE_HOURS
     * no longer counts (and is reported as RotationStale).
     */
    private boolean rotationInProgress(SourceSecret secret) {
        Optional<String> pending = secret.pendingOnlyVersion();
        if (!secret.rotationEnabled() || pending.isEmpty()) {
            return false;
        }
        Optional<Instant> created = secrets.createdAt(secret.arn(), pending.get());
        Instant now = clock.instant();
        if (created.isPresent() && created.get().plus(settings.rotationStale()).isBefore(now)) {
            LOG.warn("AWSPENDING is older than STEPCONNECT_ROTATION_STALE_HOURS: treating the rotation as failed, not running",
                    "secretArn", secret.arn(), "pendingVersion", pending.get(), "pendingSince", created.get().toString(),
                    "staleAfterHours", settings.rotationStale().toHours());
            for (String name : secret.connections()) {
                metrics.count(GuardianMetrics.ROTATION_STALE, name);
            }
            return false;
        }
        return true;
    }

    /** {@code described} is the connection as DescribeConnection shows it, or null when it does not exist. */
    private GuardianOutcome examine(SourceSecret secret, String name, ConnectionDescription described,
                                    boolean rotating, Trigger trigger, Deadline deadline) {
        Optional<ConnectionDescription> connection = Optional.ofNullable(described);
        Optional<String> currentVersion = secret.currentVersion();
        String currentHash = currentVersion.map(ConnectionMarker::versionHash).orElse("");
        Optional<ConnectionMarker> marker = connection.flatMap(ConnectionDescription::marker);
        HealHistory history = secret.healHistory(name);
        Instant now = clock.instant();
        GuardianDecision.Situation situation = GuardianDecision.Situation.builder(trigger)
                .connectionState(connection.map(ConnectionDescription::state).orElse(null))
                .followsSecret(marker.map(m -> m.namesSource(secret.arn())).orElse(false))
                .carriesCurrent(currentVersion.isPresent() && marker.map(m -> m.carriesVersion(currentVersion.get())).orElse(false))
                .rotationInProgress(rotating)
                .secretDeleted(secret.deleted())
                .currentRefused(history.refused(currentHash))
                .healedCurrentMomentsAgo(history.healedMomentsAgo(currentHash, now))
                .recentHeals(history.healsWithin(now))
                .healLimit(settings.healLimit())
                .build();
        Action action = GuardianDecision.decide(situation);
        String before = situation.connectionState();
        String arn = secret.arn();
        return switch (action) {
            case NONE -> outcome(name, arn, action, GuardianOutcome.OK, before, before,
                    "carries AWSCURRENT and is " + before);
            case HEAL, SYNC -> write(secret, name, connection.get(), action, history, deadline);
            case WAIT_ROTATION -> outcome(name, arn, action, GuardianOutcome.SKIPPED, before, before,
                    "a rotation of the source secret is in progress; the rotation function owns the connection until it ends");
            case WAIT_BUSY -> outcome(name, arn, action, GuardianOutcome.DEFERRED, before, before,
                    "the connection is " + before + "; looked at again by the next event or scheduled check");
            case HOLD_REFUSED -> outcome(name, arn, action, GuardianOutcome.SKIPPED, before, before,
                    "the partner refused the source secret's current credential; it is not re-applied until AWSCURRENT changes");
            case MARK_REFUSED -> refused(secret, name, history, currentHash, action, before, before,
                    "the connection fell " + before + " again within " + HealHistory.REFUSAL_WINDOW.toMinutes()
                            + " minutes of being healed with the current credential");
            case HOLD_FLAP_LIMIT -> {
                metrics.count(GuardianMetrics.HEAL_FAILED, name);
                yield outcome(name, arn, action, GuardianOutcome.FAILED, before, before, "flap limit: "
                        + situation.recentHeals() + " heals in the last 60 minutes (STEPCONNECT_HEAL_LIMIT="
                        + settings.healLimit() + "); the connection is left as it is");
            }
            case ALERT_SECRET_DELETED -> deletedSource(name, arn, connection.orElse(null));
            case IGNORE_MISSING -> outcome(name, arn, action, GuardianOutcome.SKIPPED, null, null,
                    "the secret's stepconnect:connection tag names a connection that does not exist");
            case IGNORE_NOT_FOLLOWING -> outcome(name, arn, action, GuardianOutcome.SKIPPED, before, before,
                    "the connection's marker does not name this secret as its source; it is never written"
                            + " (its owner can adopt it, see docs/connection.md)");
        };
    }

    /** HEAL or SYNC: AWSCURRENT onto the connection, then the probe when the secret has a test endpoint. */
    private GuardianOutcome write(SourceSecret secret, String name, ConnectionDescription connection, Action action,
                                  HealHistory history, Deadline invocation) {
        String before = connection.state();
        if (invocation.remaining().compareTo(MIN_TIME_FOR_WRITE) < 0) {
            return outcome(name, secret.arn(), action, GuardianOutcome.DEFERRED, before, before,
                    "no time left in this invocation to write and wait");
        }
        SecretsGateway.CurrentValue current;
        Credential credential;
        try {
            current = secrets.current(secret.arn());
            credential = CredentialSecrets.parse(current.secretString());
        } catch (InvalidCredentialException e) {
            metrics.count(GuardianMetrics.HEAL_FAILED, name);
            return outcome(name, secret.arn(), action, GuardianOutcome.FAILED, before, before,
                    "the source secret's AWSCURRENT is not a valid credential: " + e.getMessage() + "; nothing was written");
        }
        String versionHash = ConnectionMarker.versionHash(current.versionId());
        HealHistory updated = history;
        if (action == Action.HEAL) {
            // Recorded before the write: a heal that dies half-way still counts against the flap limit.
            updated = history.withHealAttempt(clock.instant());
            Optional<String> notRecorded = saveHistory(secret.arn(), name, updated);
            if (notRecorded.isPresent()) {
                metrics.count(GuardianMetrics.HEAL_FAILED, name);
                return outcome(name, secret.arn(), action, GuardianOutcome.FAILED, before, before,
                        "the heal could not be recorded in the heal history (" + notRecorded.get() + "); not healed:"
                                + " the flap limit could not count it");
            }
        }
        Deadline deadline = Deadline.in(settings.connectionWait(), clock).min(invocation);
        ConnectionDescription after;
        try {
            after = writer.write(name, new CredentialSource(secret.arn(), current.versionId()), credential, deadline);
        } catch (ConnectionWriteException e) {
            return writeFailed(secret, name, action, updated, versionHash, before, e);
        }
        Optional<String> notProven = prove(secret, after, credential, deadline);
        if (notProven.isPresent()) {
            return refused(secret, name, updated, versionHash, action, before, after.state(), notProven.get());
        }
        if (action == Action.HEAL) {
            // Only now is the version on the connection: a fall within the refusal window is a refusal of it.
            saveHistory(secret.arn(), name, updated.withHealed(versionHash)).ifPresent(why -> LOG.warn(
                    "healed, but the heal history does not record the version applied", "connection", name,
                    "secretArn", secret.arn(), "reason", why));
        }
        metrics.count(action == Action.HEAL ? GuardianMetrics.HEALED : GuardianMetrics.SYNCED, name);
        return outcome(name, secret.arn(), action, GuardianOutcome.OK, before, after.state(),
                (action == Action.HEAL ? "healed: re-applied" : "synced: applied") + " the source secret's AWSCURRENT version "
                        + current.versionId());
    }

    private GuardianOutcome writeFailed(SourceSecret secret, String name, Action action, HealHistory history,
                                        String versionHash, String before, ConnectionWriteException e) {
        return switch (e.disposition()) {
            case UNUSABLE -> refused(secret, name, history, versionHash, action, before, null,
                    "the connection did not authorize with the current credential: " + e.getMessage());
            case BUSY -> outcome(name, secret.arn(), action, GuardianOutcome.DEFERRED, before, null, e.getMessage());
            default -> {
                metrics.count(GuardianMetrics.HEAL_FAILED, name);
                yield outcome(name, secret.arn(), action, GuardianOutcome.FAILED, before, null,
                        e.disposition().name() + ": " + e.getMessage());
            }
        };
    }

    /**
     * TagResource of the heal history. A passing failure (throttling, 5xx, no answer) is thrown on, for the
     * event's retry; a definitive one (the secret's 50 tags are used up, AccessDenied) is returned as its reason.
     */
    private Optional<String> saveHistory(String arn, String name, HealHistory history) {
        try {
            secrets.saveHistory(arn, name, history);
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw e;
            }
            return Optional.of("TagResource failed: " + AwsErrors.code(e) + " (HTTP " + e.statusCode() + ")");
        }
    }

    /** Probes the written connection; the refusal reason when the partner refused the credential. */
    private Optional<String> prove(SourceSecret secret, ConnectionDescription connection, Credential credential,
                                   Deadline deadline) {
        Optional<URI> endpoint = secret.testEndpoint();
        if (endpoint.isEmpty() || probe == null) {
            return Optional.empty();
        }
        Optional<String> misconfigured = probe.misconfiguration();
        if (misconfigured.isPresent()) {
            LOG.warn("healed connection not proven: the probe is misconfigured", "connection", connection.name(),
                    "reason", misconfigured.get());
            return Optional.empty();
        }
        ProbeResult result;
        try {
            result = probe.probe(endpoint.get(), connection, credential, deadline);
        } catch (RuntimeException e) {
            result = ProbeResult.transientFailure("the probe failed unexpectedly: " + e.getClass().getSimpleName());
        }
        if (result.outcome() == ProbeResult.Outcome.REJECTED) {
            return Optional.of("the test endpoint refused the current credential: " + result.detail());
        }
        LOG.info("probe of the written connection", "connection", connection.name(), "outcome", result.outcome().name(),
                "detail", result.detail());
        return Optional.empty();
    }

    /** Records that the partner refused the current version (no loop re-applies it) and counts CredentialRefused. */
    private GuardianOutcome refused(SourceSecret secret, String name, HealHistory history, String versionHash,
                                    Action action, String before, String after, String reason) {
        secrets.saveHistory(secret.arn(), name, history.withRefused(versionHash));
        metrics.count(GuardianMetrics.REFUSED, name);
        return outcome(name, secret.arn(), action, GuardianOutcome.REFUSED, before, after,
                reason + "; not re-applied until the source secret's AWSCURRENT changes");
    }

    private GuardianOutcome deletedSource(String name, String secretArn, ConnectionDescription connection) {
        metrics.count(GuardianMetrics.HEAL_FAILED, name);
        String state = connection == null ? null : connection.state();
        return outcome(name, secretArn, Action.ALERT_SECRET_DELETED, GuardianOutcome.FAILED, state, state,
                "the source secret is deleted or scheduled for deletion; the connection is left as it is");
    }

    private GuardianOutcome unmanaged(String name, String reason) {
        metrics.ignored("unmanaged");
        return outcome(name, null, null, GuardianOutcome.SKIPPED, null, null, "not managed by StepConnect: " + reason);
    }

    private GuardianOutcome awsFailure(String name, String secretArn, Action action, String before, RuntimeException e) {
        String reason;
        boolean transientFailure;
        if (e instanceof AwsServiceException aws) {
            reason = "AWS call failed: " + AwsErrors.code(aws) + " (HTTP " + aws.statusCode() + ")";
            transientFailure = aws.isThrottlingException() || aws.statusCode() >= 500;
        } else if (e instanceof SdkClientException) {
            reason = "AWS call did not complete: " + e.getClass().getSimpleName();
            transientFailure = true;
        } else {
            reason = e.getClass().getSimpleName() + ": " + Redaction.scrub(String.valueOf(e.getMessage()));
            transientFailure = false;
        }
        if (!transientFailure) {
            metrics.count(GuardianMetrics.HEAL_FAILED, name);
        }
        return outcome(name, secretArn, action, transientFailure ? GuardianOutcome.DEFERRED : GuardianOutcome.FAILED,
                before, null, reason);
    }

    private static GuardianOutcome outcome(String name, String arn, Action action, String result, String before,
                                           String after, String reason) {
        return new GuardianOutcome(name, arn, action, result, before, after, reason);
    }

    /** Logs the outcome (one line each) and emits ConnectionHealthy for a connection StepConnect manages. */
    private GuardianOutcome report(GuardianOutcome outcome) {
        Object[] fields = {"connection", outcome.connection(), "secretArn", outcome.secretArn(),
                "action", outcome.action() == null ? null : outcome.action().name(), "result", outcome.result(),
                "stateBefore", outcome.stateBefore(), "stateAfter", outcome.stateAfter(), "reason", outcome.reason()};
        boolean bad = outcome.result().equals(GuardianOutcome.FAILED) || outcome.result().equals(GuardianOutcome.REFUSED);
        if (bad) {
            LOG.warn("guardian outcome", fields);
        } else {
            LOG.info("guardian outcome", fields);
        }
        boolean managed = outcome.action() != null && outcome.action() != Action.IGNORE_MISSING
                && outcome.action() != Action.IGNORE_NOT_FOLLOWING;
        String state = outcome.stateAfter() != null ? outcome.stateAfter() : outcome.stateBefore();
        if (managed && state != null && settled(state)) {
            boolean ready = state.equals("AUTHORIZED") || state.equals("ACTIVE");
            metrics.healthy(outcome.connection(), ready && !outcome.result().equals(GuardianOutcome.REFUSED));
        } else if (managed && state == null && (bad || outcome.deferred())) {
            metrics.healthy(outcome.connection(), false);
        }
        return outcome;
    }

    private static boolean settled(String state) {
        return switch (state) {
            case "AUTHORIZED", "ACTIVE", "DEAUTHORIZED", "FAILED_CONNECTIVITY" -> true;
            default -> false;
        };
    }

    private static boolean optedIn(SecretsGateway.Listed listed) {
        return CredentialOptIn.isOptedIn(listed.tags());
    }
}
