package dev.stepconnect.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Lazy;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.events.Connection;
import software.amazon.awscdk.services.events.ConnectionAttributes;
import software.amazon.awscdk.services.events.IConnection;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.secretsmanager.CfnRotationSchedule;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * An EventBridge connection whose credential lives in a Secrets Manager secret, created by StepConnect's
 * {@code Custom::EventBridgeConnection} provider (the deployed StepConnect stack's
 * {@code <stack>-ConnectionProviderServiceToken} export, or a service token passed in). The provider
 * reads the secret at deploy time and waits until the connection is AUTHORIZED (ACTIVE for a private
 * API); see docs/connection.md.
 *
 * <p>{@link #getConnection()} is an {@link IConnection} for the CDK's {@code HttpInvoke} task;
 * {@link #grantHttpInvoke} grants an HTTP Task exactly what it needs.
 */
public class EventBridgeConnectionFromSecret extends Construct {
    /** Warning id of the imported-secret notice, for {@code Annotations.of(c).acknowledgeWarning(id)}. */
    public static final String IMPORTED_SECRET_WARNING = "stepconnect:importedCredentialsSecret";
    static final String RESOURCE_TYPE = "Custom::EventBridgeConnection";
    /**
     * EventBridge's Description limit (512) less the 111 characters the provider keeps for its ownership
     * marker ({@code " [stepconnect:owner=…;request=…;source=…;version=…]"}, four 16-hex parts): the
     * provider refuses a longer Description, so synthesis does.
     */
    static final int MAX_DESCRIPTION = 401;
    /**
     * A VPC Lattice resource configuration ARN, as EventBridge's API model constrains
     * {@code ResourceConfigurationArn} and the provider checks it (EventBridge API reference,
     * ConnectivityResourceConfigurationArn).
     */
    static final Pattern RESOURCE_CONFIGURATION_ARN = Pattern.compile(
            "arn:[a-z0-9\\-]+:vpc-lattice:[a-zA-Z0-9\\-]+:\\d{12}:resourceconfiguration/rcfg-[0-9a-z]{17}");

    private final CustomResource resource;
    private final IConnection connection;
    private final ISecret credentialsSecret;
    private final AuthorizationType authorizationType;
    private final boolean linkSecretForRotation;
    private final String stepConnectStackName;

    public EventBridgeConnectionFromSecret(Construct scope, String id, EventBridgeConnectionFromSecretProps props) {
        super(scope, id);
        String path = getNode().getPath();
        StepConnect.require(props, path + ": props");
        StepConnect.validateConnectionName(props.getConnectionName(), path);
        StepConnect.stackName(props.getStepConnectStackName(), path);
        if (props.getAuthorizationType() == null) {
            throw new StepConnectValidationException(path + ": authorizationType is required (API_KEY, BASIC or "
                    + "OAUTH_CLIENT_CREDENTIALS, matching the credentials secret)");
        }
        if (props.getCredentialsSecret() == null) {
            throw new StepConnectValidationException(path + ": credentialsSecret is required: the Secrets Manager "
                    + "secret holding the partner credential as JSON (README, \"Credentials secret\")");
        }
        validateAuthSpecific(props, path);
        validateResourceConfigurationArn(props.getOauthResourceConfigurationArn(), "oauthResourceConfigurationArn", path);
        validateResourceConfigurationArn(props.getInvocationResourceConfigurationArn(),
                "invocationResourceConfigurationArn", path);
        String description = props.getDescription();
        if (description != null && !Token.isUnresolved(description) && description.length() > MAX_DESCRIPTION) {
            throw new StepConnectValidationException(path + ": description must be at most " + MAX_DESCRIPTION
                    + " characters (EventBridge allows 512; StepConnect keeps the rest for its ownership marker)");
        }
        this.credentialsSecret = props.getCredentialsSecret();
        this.authorizationType = props.getAuthorizationType();
        this.linkSecretForRotation = props.isLinkSecretForRotation();
        this.stepConnectStackName = props.getStepConnectStackName();
        boolean secretDefinedHere = StepConnect.isDefinedHere(credentialsSecret);
        if (secretDefinedHere) {
            Tags.of(credentialsSecret).add(StepConnect.CREDENTIALS_TAG, "true");
            if (linkSecretForRotation) {
                RotationLinks.of(credentialsSecret).add(props.getConnectionName());
            }
        } else {
            Annotations.of(this).addWarningV2(IMPORTED_SECRET_WARNING, "The credentials secret "
                    + displayName(credentialsSecret) + " is imported, so this app cannot tag it: StepConnect "
                    + "refuses secrets without the tag " + StepConnect.CREDENTIALS_TAG + "=true. Tag it where it "
                    + "is owned, e.g. `aws secretsmanager tag-resource --secret-id <secret> --tags Key="
                    + StepConnect.CREDENTIALS_TAG + ",Value=true`, then acknowledge this warning with "
                    + "Annotations.of(connection).acknowledgeWarning(\"" + IMPORTED_SECRET_WARNING + "\").");
        }

        String serviceToken = props.getServiceToken() != null
                ? props.getServiceToken()
                : StepConnect.connectionProviderServiceToken(stepConnectStackName);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("Name", props.getConnectionName());
        properties.put("AuthorizationType", authorizationType.name());
        properties.put("CredentialsSecretArn", credentialsSecret.getSecretArn());
        if (description != null) {
            properties.put("Description", description);
        }
        if (props.getInvocationHttpParameters() != null && !props.getInvocationHttpParameters().isEmpty()) {
            properties.put("InvocationHttpParameters", props.getInvocationHttpParameters().toProperty());
        }
        if (props.getOauthHttpParameters() != null && !props.getOauthHttpParameters().isEmpty()) {
            properties.put("OAuthHttpParameters", props.getOauthHttpParameters().toProperty());
        }
        if (props.getOauthResourceConfigurationArn() != null) {
            properties.put("OAuthConnectivityParameters", resourceParameters(props.getOauthResourceConfigurationArn()));
        }
        if (props.getInvocationResourceConfigurationArn() != null) {
            properties.put("InvocationConnectivityParameters",
                    resourceParameters(props.getInvocationResourceConfigurationArn()));
        }
        if (props.getKmsKey() != null) {
            properties.put("KmsKeyIdentifier", props.getKmsKey().getKeyArn());
        }
        // A secret defined here carries the rotation tag itself (one owner per tag); an imported one
        // gets it from the provider.
        properties.put("LinkSecretForRotation", Boolean.toString(linkSecretForRotation && !secretDefinedHere));

        this.resource = CustomResource.Builder.create(this, "Resource")
                .serviceToken(serviceToken)
                .resourceType(RESOURCE_TYPE)
                .properties(properties)
                .build();
        this.connection = Connection.fromConnectionAttributes(this, "Connection", ConnectionAttributes.builder()
                .connectionName(getConnectionName())
                .connectionArn(getConnectionArn())
                .connectionSecretArn(getConnectionSecretArn())
                .build());
    }

    /** The connection's ARN ({@code Fn::GetAtt <resource>.Arn}). */
    public String getConnectionArn() {
        return resource.getAttString("Arn");
    }

    /** The connection's name ({@code Fn::GetAtt <resource>.Name}). */
    public String getConnectionName() {
        return resource.getAttString("Name");
    }

    /** ARN of the connection's own managed secret ({@code events!connection/...}) that HTTP Tasks read. */
    public String getConnectionSecretArn() {
        return resource.getAttString("SecretArn");
    }

    /** The connection as the CDK's {@link IConnection}, e.g. for {@code HttpInvoke.Builder.connection(...)}. */
    public IConnection getConnection() {
        return connection;
    }

    public ISecret getCredentialsSecret() {
        return credentialsSecret;
    }

    public AuthorizationType getAuthorizationType() {
        return authorizationType;
    }

    /** The {@code Custom::EventBridgeConnection} resource, e.g. for dependencies or a removal policy. */
    public CustomResource getResource() {
        return resource;
    }

    /**
     * {@link StepConnect#grantHttpInvoke(IGrantable, IConnection, String, HttpMethod, String)} for this
     * connection, scoped to the state machine named {@code stateMachineName}.
     */
    public void grantHttpInvoke(IGrantable grantee, String endpoint, HttpMethod method, String stateMachineName) {
        StepConnect.grantHttpInvoke(grantee, connection, endpoint, method, stateMachineName);
    }

    /** As {@link #grantHttpInvoke(IGrantable, String, HttpMethod, String)} for any state machine of this account and Region. */
    public void grantHttpInvoke(IGrantable grantee, String endpoint, HttpMethod method) {
        StepConnect.grantHttpInvoke(grantee, connection, endpoint, method, null);
    }

    /**
     * Rotates the credentials secret with StepConnect's RotationFunction (the StepConnect stack's
     * {@code <stack>-RotationFunctionArn} export) on {@code scheduleExpression} ({@code rate(...)} or
     * {@code cron(...)}, Secrets Manager rotation rules). The first rotation waits for the schedule
     * (with the default {@code pending} generator it needs a staged value). Requires
     * {@code linkSecretForRotation(true)}: RotationFunction finds connections by the secret's tag.
     */
    public CfnRotationSchedule rotateCredentials(String scheduleExpression) {
        String path = getNode().getPath();
        if (!linkSecretForRotation) {
            throw new StepConnectValidationException(path + ": rotateCredentials needs linkSecretForRotation(true): "
                    + "RotationFunction finds the connections to update by the secret's "
                    + StepConnect.CONNECTION_TAG + " tag");
        }
        if (scheduleExpression == null || (!Token.isUnresolved(scheduleExpression)
                && !scheduleExpression.matches("(rate|cron)\\(.+\\)"))) {
            throw new StepConnectValidationException(path + ": rotateCredentials needs a rate(...) or cron(...) "
                    + "schedule expression, got '" + scheduleExpression + "'");
        }
        CfnRotationSchedule schedule = CfnRotationSchedule.Builder.create(this, "RotationSchedule")
                .secretId(credentialsSecret.getSecretArn())
                .rotationLambdaArn(StepConnect.rotationFunctionArn(stepConnectStackName))
                .rotateImmediatelyOnUpdate(false)
                .rotationRules(CfnRotationSchedule.RotationRulesProperty.builder()
                        .scheduleExpression(scheduleExpression)
                        .build())
                .build();
        // Rotation updates the connection: it must exist before the first rotation can run.
        schedule.getNode().addDependency(resource);
        return schedule;
    }

    private static void validateAuthSpecific(EventBridgeConnectionFromSecretProps props, String path) {
        if (props.getAuthorizationType() == AuthorizationType.OAUTH_CLIENT_CREDENTIALS) {
            return;
        }
        if (props.getOauthHttpParameters() != null && !props.getOauthHttpParameters().isEmpty()) {
            throw new StepConnectValidationException(path + ": oauthHttpParameters apply only to "
                    + "OAUTH_CLIENT_CREDENTIALS, got " + props.getAuthorizationType());
        }
        if (props.getOauthResourceConfigurationArn() != null) {
            throw new StepConnectValidationException(path + ": oauthResourceConfigurationArn applies only to "
                    + "OAUTH_CLIENT_CREDENTIALS, got " + props.getAuthorizationType());
        }
    }

    private static void validateResourceConfigurationArn(String arn, String prop, String path) {
        if (arn != null && !Token.isUnresolved(arn) && !RESOURCE_CONFIGURATION_ARN.matcher(arn).matches()) {
            throw new StepConnectValidationException(path + ": " + prop + " '" + arn + "' is not a VPC Lattice "
                    + "resource configuration ARN (arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/"
                    + "rcfg-<17 characters>)");
        }
    }

    /** The secret's ARN or name as written in the app, else its construct path (never a token's placeholder). */
    private static String displayName(ISecret secret) {
        for (String candidate : new String[] {secret.getSecretArn(), secret.getSecretName()}) {
            if (candidate != null && !Token.isUnresolved(candidate)) {
                return candidate;
            }
        }
        return secret.getNode().getPath();
    }

    private static Map<String, Object> resourceParameters(String resourceConfigurationArn) {
        return Map.of("ResourceParameters", Map.of("ResourceConfigurationArn", resourceConfigurationArn));
    }

    /**
     * The {@code stepconnect:connection} tag of a secret defined in this app: one tag, naming every
     * connection in the app that links the secret, comma-separated.
     */
    static final class RotationLinks extends Construct {
        private static final String ID = "StepConnectRotationLinks";
        private final List<String> names = new ArrayList<>();

        private RotationLinks(IConstruct secret) {
            super((Construct) secret, ID);
            Tags.of(secret).add(StepConnect.CONNECTION_TAG, Lazy.string(() -> String.join(",", names)));
        }

        static RotationLinks of(IConstruct secret) {
            IConstruct existing = secret.getNode().tryFindChild(ID);
            return existing instanceof RotationLinks links ? links : new RotationLinks(secret);
        }

        void add(String connectionName) {
            if (!names.contains(connectionName)) {
                names.add(connectionName);
            }
        }
    }
}
