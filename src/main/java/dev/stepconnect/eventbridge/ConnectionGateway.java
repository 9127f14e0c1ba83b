package dev.stepconnect.eventbridge;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Redaction;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import dev.stepconnect.aws.AwsErrors;
import software.amazon.awssdk.services.eventbridge.model.ConcurrentModificationException;
import software.amazon.awssdk.services.eventbridge.model.ConnectionAuthResponseParameters;
import software.amazon.awssdk.services.eventbridge.model.ConnectionBodyParameter;
import software.amazon.awssdk.services.eventbridge.model.ConnectionHeaderParameter;
import software.amazon.awssdk.services.eventbridge.model.ConnectionHttpParameters;
import software.amazon.awssdk.services.eventbridge.model.ConnectionQueryStringParameter;
import software.amazon.awssdk.services.eventbridge.model.ConnectivityResourceParameters;
import software.amazon.awssdk.services.eventbridge.model.CreateConnectionAuthRequestParameters;
import software.amazon.awssdk.services.eventbridge.model.CreateConnectionRequest;
import software.amazon.awssdk.services.eventbridge.model.CreateConnectionResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeConnectionResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.UpdateConnectionAuthRequestParameters;
import software.amazon.awssdk.services.eventbridge.model.UpdateConnectionRequest;

/**
 * EventBridge connections, seen through plain values. The only class that maps StepConnect's
 * credential and parameter types onto the SDK's connection model.
 */
public final class ConnectionGateway {
    private static final Duration MAX_CONFLICT_BACKOFF = Duration.ofSeconds(5);
    /** Longest StateReason quoted in a failure (it ends up in a CloudFormation Reason, which has a size limit). */
    static final int MAX_STATE_REASON = 300;
    private final EventBridgeClient events;
    private final Duration pollInterval;

    public ConnectionGateway(EventBridgeClient events, Duration pollInterval) {
        this.events = events;
        this.pollInterval = pollInterval;
    }

    /**
     * DescribeConnection of {@code name}; empty when there is no such connection (ResourceNotFound). Any
     * other AWS or SDK error is thrown as it is.
     */
    public Optional<ConnectionDescription> describe(String name) {
        try {
            return Optional.of(toDescription(events.describeConnection(r -> r.name(name))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Creates the connection; returns its ARN. An AWS error arrives as its own modeled type without
     * AWS's text ({@link AwsErrors#withoutText}): the request carried the credential.
     */
    public String create(ConnectionSpec spec) {
        CreateConnectionRequest.Builder request = CreateConnectionRequest.builder()
                .name(spec.name())
                .description(spec.description())
                .authorizationType(spec.credential().type().name())
                .authParameters(createAuth(spec));
        if (spec.kmsKeyIdentifier() != null) {
            request.kmsKeyIdentifier(spec.kmsKeyIdentifier());
        }
        if (spec.connectivity().invocationResourceConfigurationArn() != null) {
            request.invocationConnectivityParameters(connectivity(spec.connectivity().invocationResourceConfigurationArn()));
        }
        try {
            CreateConnectionResponse response = events.createConnection(request.build());
            return response.connectionArn();
        } catch (AwsServiceException e) {
            throw AwsErrors.withoutText(e, "CreateConnection");
        }
    }

    /**
     * Replaces everything StepConnect owns on the connection: credential, description, invocation and
     * OAuth HTTP parameters, KMS key, private connectivity. Parameters are always re-sent, because a
     * connection keeps no parameter that an update leaves out only by accident of EventBridge's merge
     * rules. A {@code ConcurrentModificationException} is retried until {@code deadline} (see
     * {@link #retryingConflicts}); other failures arrive as {@link ConnectionRequestException}, with
     * the AWS error code and never AWS's text (the request carried the credential).
     */
    public void update(ConnectionSpec spec, Deadline deadline) {
        UpdateConnectionAuthRequestParameters auth = updateAuth(spec.credential(), spec.invocationParameters(),
                spec.oauthHttpParameters());
        if (spec.connectivity().oauthResourceConfigurationArn() != null) {
            auth = auth.toBuilder().connectivityParameters(connectivity(spec.connectivity().oauthResourceConfigurationArn()))
                    .build();
        }
        UpdateConnectionRequest.Builder request = UpdateConnectionRequest.builder()
                .name(spec.name())
                .description(spec.description() == null ? "" : spec.description())
                .authorizationType(spec.credential().type().name())
                .authParameters(auth);
        if (spec.kmsKeyIdentifier() != null) {
            request.kmsKeyIdentifier(spec.kmsKeyIdentifier());
        }
        if (spec.connectivity().invocationResourceConfigurationArn() != null) {
            request.invocationConnectivityParameters(connectivity(spec.connectivity().invocationResourceConfigurationArn()));
        }
        UpdateConnectionRequest built = request.build();
        retryingConflicts("UpdateConnection", spec.name(), deadline, () -> events.updateConnection(built));
    }

    /**
     * Puts {@code credential} on the connection described by {@code current} and records {@code marker}
     * in its Description (after the user's own text). Everything else is kept by re-sending it: the KMS
     * key (an UpdateConnection without one means "AWS owned key"), and the invocation and OAuth HTTP
     * parameters as DescribeConnection returned them — whether EventBridge keeps parameters an update
     * omits is not settled by the API reference, so they are re-sent unless one of a list's values is
     * secret and so unreadable (see {@link HttpParameters#resendable()}). A
     * {@code ConcurrentModificationException} (another change of the same connection in flight) is
     * retried with backoff until {@code deadline}. SDK failures arrive as {@link ConnectionRequestException}.
     *
     * @see <a href="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateConnection.html">UpdateConnection</a>
     */
    public void updateCredential(ConnectionDescription current, Credential credential, ConnectionMarker marker,
                                 Deadline deadline) {
        UpdateConnectionRequest request = UpdateConnectionRequest.builder()
                .name(current.name())
                .description(marker.appendTo(current.description()))
                .authorizationType(credential.type().name())
                .authParameters(updateAuth(credential, current.invocationParameters().resendable(),
                        current.oauthHttpParameters().resendable()))
                .kmsKeyIdentifier(current.kmsKeyIdentifier())
                .build();
        retryingConflicts("UpdateConnection", current.name(), deadline, () -> events.updateConnection(request));
    }

    /**
     * Runs a connection write, retrying {@code ConcurrentModificationException} (a race with a stack
     * update, a rotation, the guardian or EventBridge itself; it says nothing about the request) with
     * exponential backoff while {@code deadline} leaves room. Other SDK failures, and a conflict that
     * outlasts the deadline, arrive as {@link ConnectionRequestException}.
     */
    public void retryingConflicts(String operation, String name, Deadline deadline, Runnable write) {
        Duration backoff = pollInterval;
        while (true) {
            try {
                write.run();
                return;
            } catch (ConcurrentModificationException e) {
                if (deadline.remaining().compareTo(backoff) <= 0) {
                    throw new ConnectionRequestException(operation + " of " + name
                            + " kept conflicting with another change of the connection (ConcurrentModificationException)", true);
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_CONFLICT_BACKOFF) > 0 ? MAX_CONFLICT_BACKOFF : backoff.multipliedBy(2);
            } catch (AwsServiceException e) {
                throw new ConnectionRequestException(operation + " of " + name + " failed: " + AwsErrors.code(e)
                        + " (HTTP " + e.statusCode() + ")", e.isThrottlingException() || e.statusCode() >= 500);
            } catch (SdkClientException e) {
                throw new ConnectionRequestException(operation + " of " + name + " did not complete: "
                        + e.getClass().getSimpleName(), true);
            }
        }
    }

    /** Deletes the connection; {@code false} when it was already gone. */
    public boolean delete(String name) {
        try {
            events.deleteConnection(r -> r.name(name));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    /**
     * Deletes the connection, retrying {@code ConcurrentModificationException} until {@code deadline};
     * {@code false} when it was already gone. Other failures arrive as {@link ConnectionRequestException}.
     */
    public boolean delete(String name, Deadline deadline) {
        boolean[] existed = {false};
        retryingConflicts("DeleteConnection", name, deadline, () -> existed[0] = delete(name));
        return existed[0];
    }

    /**
     * Polls until the connection is AUTHORIZED/ACTIVE. A failed state or a missing connection fails at
     * once; the deadline running out fails with {@link ConnectionNotReadyException#timedOut()}.
     */
    public ConnectionDescription awaitReady(String name, Deadline deadline) {
        while (true) {
            ConnectionDescription current = describe(name).orElseThrow(() -> new ConnectionNotReadyException(
                    "connection " + name + " does not exist", "MISSING", false));
            if (current.isReady()) {
                return current;
            }
            if (!current.isChanging()) {
                throw new ConnectionNotReadyException("connection " + name + " is " + current.state()
                        + reasonSuffix(current), current.state(), false);
            }
            if (deadline.remaining().compareTo(pollInterval) < 0) {
                throw new ConnectionNotReadyException("connection " + name + " still " + current.state()
                        + " when the wait ran out" + reasonSuffix(current), current.state(), true);
            }
            sleep(pollInterval);
        }
    }

    /**
     * Polls while the connection is mid-change; returns it once settled (in whatever state), or as it
     * is when the deadline leaves no room for another poll. Empty when the connection does not exist.
     */
    public Optional<ConnectionDescription> awaitSettled(String name, Deadline deadline) {
        while (true) {
            Optional<ConnectionDescription> current = describe(name);
            if (current.isEmpty() || !current.get().isChanging() || deadline.remaining().compareTo(pollInterval) < 0) {
                return current;
            }
            sleep(pollInterval);
        }
    }

    /** EventBridge's StateReason, masked and cut to {@link #MAX_STATE_REASON} characters. */
    private static String reasonSuffix(ConnectionDescription description) {
        String reason = description.stateReason();
        if (reason == null || reason.isBlank()) {
            return "";
        }
        String scrubbed = Redaction.scrub(reason.strip());
        return " (" + (scrubbed.length() > MAX_STATE_REASON ? scrubbed.substring(0, MAX_STATE_REASON) + "..." : scrubbed) + ")";
    }

    private static ConnectivityResourceParameters connectivity(String resourceConfigurationArn) {
        return ConnectivityResourceParameters.builder()
                .resourceParameters(p -> p.resourceConfigurationArn(resourceConfigurationArn)).build();
    }

    private static ConnectionDescription toDescription(DescribeConnectionResponse response) {
        ConnectionAuthResponseParameters auth = response.authParameters();
        return ConnectionDescription.builder(response.name())
                .arn(response.connectionArn())
                .state(response.connectionStateAsString())
                .stateReason(response.stateReason())
                .authorizationType(response.authorizationTypeAsString())
                .secretArn(response.secretArn())
                .kmsKeyIdentifier(response.kmsKeyIdentifier())
                .description(response.description())
                .invocationParameters(auth == null ? null : fromSdk(auth.invocationHttpParameters()))
                .oauthHttpParameters(auth == null || auth.oAuthParameters() == null ? null
                        : fromSdk(auth.oAuthParameters().oAuthHttpParameters()))
                .build();
    }

    // createAuth and updateAuth map the same credential onto two SDK types that share a shape but no supertype.
    private static CreateConnectionAuthRequestParameters createAuth(ConnectionSpec spec) {
        CreateConnectionAuthRequestParameters.Builder auth = CreateConnectionAuthRequestParameters.builder();
        Credential credential = spec.credential();
        if (credential instanceof Credential.ApiKey k) {
            auth.apiKeyAuthParameters(p -> p.apiKeyName(k.apiKeyName()).apiKeyValue(k.apiKeyValue()));
        } else if (credential instanceof Credential.Basic b) {
            auth.basicAuthParameters(p -> p.username(b.username()).password(b.password()));
        } else if (credential instanceof Credential.OAuthClientCredentials o) {
            auth.oAuthParameters(p -> {
                p.clientParameters(c -> c.clientID(o.clientId()).clientSecret(o.clientSecret()))
                        .authorizationEndpoint(o.authorizationEndpoint())
                        .httpMethod(o.httpMethod());
                if (!spec.oauthHttpParameters().isEmpty()) {
                    p.oAuthHttpParameters(toSdk(spec.oauthHttpParameters()));
                }
            });
        }
        if (!spec.invocationParameters().isEmpty()) {
            auth.invocationHttpParameters(toSdk(spec.invocationParameters()));
        }
        if (spec.connectivity().oauthResourceConfigurationArn() != null) {
            auth.connectivityParameters(connectivity(spec.connectivity().oauthResourceConfigurationArn()));
        }
        return auth.build();
    }

    /** {@code invocation}/{@code oauthHttp} null: leave those parameters untouched. */
    private static UpdateConnectionAuthRequestParameters updateAuth(Credential credential, HttpParameters invocation,
                                                                    HttpParameters oauthHttp) {
        UpdateConnectionAuthRequestParameters.Builder auth = UpdateConnectionAuthRequestParameters.builder();
        if (credential instanceof Credential.ApiKey k) {
            auth.apiKeyAuthParameters(p -> p.apiKeyName(k.apiKeyName()).apiKeyValue(k.apiKeyValue()));
        } else if (credential instanceof Credential.Basic b) {
            auth.basicAuthParameters(p -> p.username(b.username()).password(b.password()));
        } else if (credential instanceof Credential.OAuthClientCredentials o) {
            auth.oAuthParameters(p -> {
                p.clientParameters(c -> c.clientID(o.clientId()).clientSecret(o.clientSecret()))
                        .authorizationEndpoint(o.authorizationEndpoint())
                        .httpMethod(o.httpMethod());
                if (oauthHttp != null) {
                    p.oAuthHttpParameters(toSdk(oauthHttp));
                }
            });
        }
        if (invocation != null) {
            auth.invocationHttpParameters(toSdk(invocation));
        }
        return auth.build();
    }

    private static ConnectionHttpParameters toSdk(HttpParameters parameters) {
        return ConnectionHttpParameters.builder()
                .headerParameters(map(parameters.headers(), p -> ConnectionHeaderParameter.builder()
                        .key(p.key()).value(p.value()).isValueSecret(p.secret()).build()))
                .queryStringParameters(map(parameters.queryStrings(), p -> ConnectionQueryStringParameter.builder()
                        .key(p.key()).value(p.value()).isValueSecret(p.secret()).build()))
                .bodyParameters(map(parameters.bodies(), p -> ConnectionBodyParameter.builder()
                        .key(p.key()).value(p.value()).isValueSecret(p.secret()).build()))
                .build();
    }

    private static HttpParameters fromSdk(ConnectionHttpParameters parameters) {
        if (parameters == null) {
            return HttpParameters.NONE;
        }
        return new HttpParameters(
                parameters.headerParameters().stream().map(p -> readBack(p.key(), p.value(), p.isValueSecret())).toList(),
                parameters.queryStringParameters().stream().map(p -> readBack(p.key(), p.value(), p.isValueSecret())).toList(),
                parameters.bodyParameters().stream().map(p -> readBack(p.key(), p.value(), p.isValueSecret())).toList());
    }

    private static HttpParameters.Parameter readBack(String key, String value, Boolean secret) {
        return new HttpParameters.Parameter(key, value == null ? "" : value, Boolean.TRUE.equals(secret));
    }

    private static <T> List<T> map(List<HttpParameters.Parameter> parameters,
                                   java.util.function.Function<HttpParameters.Parameter, T> mapper) {
        return parameters.stream().map(mapper).toList();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionNotReadyException("interrupted while waiting for the connection", "UNKNOWN", true);
        }
    }
}
