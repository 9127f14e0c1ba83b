package dev.stepconnect.connection;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.eventbridge.ConnectionMarker;
import dev.stepconnect.cfn.CustomResourceProvider;
import dev.stepconnect.cfn.CustomResourceRequest;
import dev.stepconnect.cfn.CustomResourceResponse;
import dev.stepconnect.cfn.FailedCreateMarker;
import dev.stepconnect.cfn.RequestType;
import dev.stepconnect.credentials.InvalidCredentialException;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.eventbridge.ConnectionNames;
import dev.stepconnect.eventbridge.ConnectionNotReadyException;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@code Custom::EventBridgeConnection}: maps CloudFormation requests onto {@link ConnectionService}
 * and its results onto answers. PhysicalResourceId is the connection name.
 *
 * <p>NoEcho stays false: Data holds identifiers only (ARNs, name, type, state) that templates pass to
 * IAM policies and outputs; the credential never enters Data, and the connection's SecretArn names a
 * secret without revealing its value.
 */
public final class ConnectionProvider implements CustomResourceProvider {
    private final ConnectionService service;

    public ConnectionProvider(ConnectionService service) {
        this.service = service;
    }

    @Override
    public CustomResourceResponse handle(CustomResourceRequest request, Deadline deadline) {
        return switch (request.requestType()) {
            case Create -> create(request, deadline);
            case Update -> update(request, deadline);
            case Delete -> delete(request);
        };
    }

    private CustomResourceResponse create(CustomResourceRequest request, Deadline deadline) {
        ConnectionProperties properties = ConnectionProperties.parse(request.properties());
        return answer(service.create(properties, marker(request), deadline));
    }

    private CustomResourceResponse update(CustomResourceRequest request, Deadline deadline) {
        ConnectionProperties properties = ConnectionProperties.parse(request.properties());
        if (properties.name().equals(request.physicalResourceId())) {
            return answer(service.updateInPlace(properties, marker(request),
                    ConnectionProperties.linkedSecretOf(request.oldProperties()), deadline));
        }
        return answer(service.replace(properties, marker(request), deadline));
    }

    private CustomResourceResponse delete(CustomResourceRequest request) {
        String name = request.physicalResourceId();
        // A failed Create's marker, or an id that cannot be a connection name, names nothing to delete.
        if (!FailedCreateMarker.isMarker(name) && ConnectionNames.isValid(name)) {
            service.delete(name, marker(request), ConnectionProperties.linkedSecretOf(request.properties()));
        }
        return CustomResourceResponse.success(name, Map.of(), false);
    }

    @Override
    public void abandoned(CustomResourceRequest request, CustomResourceResponse lateResponse) {
        String created = lateResponse.physicalResourceId();
        boolean newConnection = request.requestType() == RequestType.Create
                || request.requestType() == RequestType.Update && !created.equals(request.physicalResourceId());
        if (newConnection) {
            service.undoIfCreatedBy(created, marker(request), ConnectionProperties.linkedSecretOf(request.properties()));
        }
    }

    @Override
    public Optional<String> explain(Throwable failure) {
        if (failure instanceof InvalidPropertyException || failure instanceof ConnectionConflictException
                || failure instanceof InvalidCredentialException) {
            return Optional.of(failure.getMessage());
        }
        if (failure instanceof ConnectionNotReadyException notReady) {
            return Optional.of(notReady.getMessage() + (notReady.timedOut()
                    ? "; raise STEPCONNECT_WAIT_SECONDS or check the authorization endpoint"
                    : "; check the credential and the endpoint it authorizes against"));
        }
        if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            String service = aws.awsErrorDetails().serviceName();
            return Optional.of((service == null ? "AWS" : service) + " answered " + AwsErrors.code(aws)
                    + " (HTTP " + aws.statusCode() + "): " + Redaction.scrub(aws.awsErrorDetails().errorMessage()));
        }
        if (failure instanceof SdkClientException) {
            return Optional.of("could not reach the AWS API after retrying: " + Redaction.scrub(failure.getMessage()));
        }
        return Optional.empty();
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
