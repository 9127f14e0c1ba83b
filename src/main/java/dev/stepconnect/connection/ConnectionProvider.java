package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.cfn.CloudFormationStacks;
import dev.stepconnect.cfn.CustomResourceProvider;
import dev.stepconnect.cfn.RequestRefusedException;
import dev.stepconnect.cfn.StackCheckException;
import dev.stepconnect.connection.ConnectionService.Window;
import dev.stepconnect.log.Log;
import dev.stepconnect.cfn.CustomResourceRequest;
import dev.stepconnect.cfn.CustomResourceResponse;
import dev.stepconnect.cfn.FailedCreateMarker;
import dev.stepconnect.cfn.RequestType;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionNames;
import dev.stepconnect.lambda.Deadline;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code Custom::EventBridgeConnection}: maps CloudFormation requests onto {@link ConnectionService}
 * and its results onto answers. PhysicalResourceId is the connection name.
 *
 * <p>NoEcho stays false: Data holds identifiers only (ARNs, name, type, state) that templates pass to
 * IAM policies and outputs; the credential never enters Data, and the connection's SecretArn names a
 * secret without revealing its value.
 */
public final class ConnectionProvider implements CustomResourceProvider {
    private static final Log LOG = Log.named("connection-provider");
    /** The stack status in which CloudFormation sends the Updates that roll an update back. */
    private static final String ROLLING_BACK_AN_UPDATE = "UPDATE_ROLLBACK_IN_PROGRESS";
    private final ConnectionService service;
    private final CloudFormationStacks stacks;

    public ConnectionProvider(ConnectionService service, CloudFormationStacks stacks) {
        this.service = service;
        this.stacks = stacks;
    }

    @Override
    public CustomResourceResponse handle(CustomResourceRequest request, Deadline deadline) {
        Window window = new Window(deadline, request.continuation().startedAt(), request.continuation().handOnAllowed());
        return switch (request.requestType()) {
            case Create -> create(request, window);
            case Update -> update(request, window);
            case Delete -> delete(request, deadline);
        };
    }

    private CustomResourceResponse create(CustomResourceRequest request, Window window) {
        ConnectionProperties properties = ConnectionProperties.parse(request.properties());
        ConnectionDescription ready = service.create(properties, marker(request), window);
        undoIfNoLongerWanted(request, properties);
        return answer(ready);
    }

    /**
     * A stack operation cancelled (or timed out) while this Create ran has moved on, and its Delete may
     * have found nothing yet: if CloudFormation now shows the stack in a state where it sends no Create,
     * delete what this request made. Best effort: when CloudFormation cannot be asked, or does not know
     * the stack (a local run), the Create stands.
     */
    private void undoIfNoLongerWanted(CustomResourceRequest request, ConnectionProperties properties) {
        CloudFormationStacks.Verdict verdict;
        try {
            verdict = stacks.check(request);
        } catch (StackCheckException e) {
            LOG.warn("could not confirm with CloudFormation that the Create is still wanted; keeping the connection",
                    "connectionName", properties.name(), "error", e.getMessage());
            return;
        }
        if (verdict.confirmed() || verdict.record() == null) {
            return;
        }
        service.undoIfCreatedBy(properties.name(), marker(request),
                properties.linkSecretForRotation() ? properties.credentialsSecretId() : null);
        LOG.warn("request refused", "requestType", "Create", "stackId", request.target().stackId(),
                "logicalResourceId", request.target().logicalResourceId(), "connectionName", properties.name(),
                "refusal", verdict.refusal());
        throw new RequestRefusedException("the stack operation ended while the connection was being created ("
                + verdict.refusal() + "); the connection was deleted again");
    }

    private CustomResourceResponse update(CustomResourceRequest request, Window window) {
        ConnectionProperties properties = ConnectionProperties.parse(request.properties());
        CloudFormationStacks.Verdict verdict = stacks.check(request);
        if (!verdict.confirmed()) {
            logRefused(request, verdict.refusal());
            throw new RequestRefusedException("request refused: CloudFormation does not confirm this Update ("
                    + verdict.refusal() + "); nothing was changed");
        }
        try {
            if (properties.name().equals(request.physicalResourceId())) {
                return answer(service.updateInPlace(properties, marker(request),
                        ConnectionProperties.linkedSecretOf(request.oldProperties()).orElse(null), window));
            }
            return answer(service.replace(properties, marker(request), window));
        } catch (RuntimeException failure) {
            if (!ROLLING_BACK_AN_UPDATE.equals(verdict.record().stackStatus())
                    || !FailureDisposition.of(failure).rollbackKeepsConnection()) {
                throw failure;
            }
            return keptAsItIs(request, properties, failure);
        }
    }

    /**
     * A rollback Update that could not be carried out (the secret that served the old properties no longer
     * does, or the connection settled DEAUTHORIZED): answering FAILED would leave the stack
     * {@code UPDATE_ROLLBACK_FAILED}, and continuing the rollback would re-read the same secret and fail
     * again. If the connection of the old Name exists and is this resource's, the rollback answers SUCCESS
     * with it as it is (the resource is back under its old Name; its credential is the secret owner's to fix).
     */
    private CustomResourceResponse keptAsItIs(CustomResourceRequest request, ConnectionProperties properties,
                                              RuntimeException failure) {
        Optional<ConnectionDescription> current = service.describe(properties.name())
                .filter(c -> TakeoverGuard.mayManage(c.marker().orElse(null), marker(request)));
        if (current.isEmpty()) {
            throw failure;
        }
        LOG.warn("rollback keeps the connection as it is", "stackId", request.target().stackId(),
                "logicalResourceId", request.target().logicalResourceId(), "connectionName", properties.name(),
                "state", current.get().state(), "failure", explain(failure).orElse(failure.getClass().getSimpleName()));
        return answer(current.get());
    }

    /**
     * Deletes the connection the PhysicalResourceId names, if it is this resource's; otherwise (a Create
     * that was cancelled, whose Delete carries an id of CloudFormation's own) the connection that
     * {@code ResourceProperties.Name} names, if it is this resource's and not the one CloudFormation
     * records for the resource. Confirmed with CloudFormation before anything is changed; a Delete that
     * cannot be confirmed touches nothing and answers SUCCESS (nothing of the stack's is affected).
     */
    private CustomResourceResponse delete(CustomResourceRequest request, Deadline deadline) {
        String physicalId = request.physicalResourceId();
        ConnectionMarker ours = marker(request);
        Optional<String> linkedSecret = ConnectionProperties.linkedSecretOf(request.properties());
        // A failed Create's marker, or an id that cannot be a connection name, names no connection.
        Optional<String> physicalName = Optional.of(physicalId)
                .filter(id -> !FailedCreateMarker.isMarker(id) && ConnectionNames.isValid(id));
        Optional<ConnectionDescription> physical = physicalName.flatMap(service::describe);
        boolean physicalOurs = physical.map(c -> TakeoverGuard.mayManage(c.marker().orElse(null), ours)).orElse(false);
        Optional<String> byName;
        try {
            byName = physicalOurs ? Optional.empty() : ConnectionProperties.nameOf(request.properties())
                    .filter(name -> !physicalName.equals(Optional.of(name)))
                    .filter(name -> service.describe(name).map(c -> TakeoverGuard.mayManage(c.marker().orElse(null), ours)).orElse(false));
        } catch (RuntimeException lookupFailed) {
            if (!FailedCreateMarker.isMarker(physicalId)) {
                throw lookupFailed;
            }
            // The failed Create's id names nothing; the look for a connection it may have left is a clean-up,
            // and failing the Delete for it (EventBridge unreachable: likely why the Create failed) would leave
            // the stack ROLLBACK_FAILED.
            LOG.warn("could not look for a connection the failed Create may have left; nothing was deleted",
                    "connectionName", ConnectionProperties.nameOf(request.properties()).orElse(null),
                    "errorType", lookupFailed.getClass().getSimpleName());
            return CustomResourceResponse.success(physicalId, Map.of(), false);
        }
        boolean tagToClean = physicalName.isPresent() && linkedSecret.isPresent();
        if (!physicalOurs && byName.isEmpty() && !tagToClean) {
            physical.ifPresent(c -> LOG.warn("connection is not this resource's; left in place", "connectionName",
                    c.name(), "hasMarker", c.marker().isPresent()));
            return CustomResourceResponse.success(physicalId, Map.of(), false);
        }
        CloudFormationStacks.Verdict verdict;
        try {
            verdict = stacks.check(request);
        } catch (StackCheckException e) {
            if (!physicalOurs && byName.isEmpty()) {
                LOG.warn("could not confirm the Delete with CloudFormation; the rotation tag was left as it is",
                        "error", e.getMessage());
                return CustomResourceResponse.success(physicalId, Map.of(), false);
            }
            throw e;
        }
        if (!verdict.confirmed()) {
            logRefused(request, verdict.refusal());
            return CustomResourceResponse.success(physicalId, Map.of(), false);
        }
        if (physicalOurs) {
            service.deleteOwned(physicalId, linkedSecret.orElse(null), deadline);
            return CustomResourceResponse.success(physicalId, Map.of(), false);
        }
        physical.ifPresent(c -> LOG.warn("connection is not this resource's; left in place", "connectionName",
                c.name(), "hasMarker", c.marker().isPresent()));
        String recorded = verdict.record() == null ? null : verdict.record().physicalResourceId();
        if (byName.isPresent() && !byName.get().equals(recorded)) {
            // The connection a cancelled Create of this resource made, under the Name it would have returned.
            LOG.info("deleting the connection of a Create that did not complete", "connectionName", byName.get());
            service.deleteOwned(byName.get(), linkedSecret.orElse(null), deadline);
        }
        if (tagToClean) {
            service.unlinkQuietly(linkedSecret.get(), physicalName.get());
        }
        return CustomResourceResponse.success(physicalId, Map.of(), false);
    }

    private static void logRefused(CustomResourceRequest request, String refusal) {
        LOG.warn("request refused", "requestType", request.requestType().name(), "stackId", request.target().stackId(),
                "logicalResourceId", request.target().logicalResourceId(),
                "physicalResourceId", request.physicalResourceId(), "refusal", refusal);
    }

    @Override
    public void abandoned(CustomResourceRequest request, CustomResourceResponse lateResponse) {
        String created = lateResponse.physicalResourceId();
        boolean newConnection = request.requestType() == RequestType.Create
                || request.requestType() == RequestType.Update && !created.equals(request.physicalResourceId());
        if (newConnection) {
            service.undoIfCreatedBy(created, marker(request),
                    ConnectionProperties.linkedSecretOf(request.properties()).orElse(null));
        }
    }

    @Override
    public Optional<String> explain(Throwable failure) {
        return FailureDisposition.of(failure).reason(failure);
    }

    private static ConnectionMarker marker(CustomResourceRequest request) {
        return ConnectionMarker.of(request.target().stackId(), request.target().logicalResourceId(),
                request.target().requestId());
    }

    private static CustomResourceResponse answer(ConnectionDescription connection) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("Arn", connection.arn());
        data.put("Name", connection.name());
        data.put("SecretArn", connection.secretArn());
        data.put("AuthorizationType", connection.authorizationType());
        data.put("State", connection.state());
        data.values().removeIf(Objects::isNull);
        return CustomResourceResponse.success(connection.name(), data, false);
    }
}
