package dev.stepconnect.cdk;

import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.secretsmanager.ISecret;

/**
 * Properties of {@link EventBridgeConnectionFromSecret}, one per property of StepConnect's
 * {@code Custom::EventBridgeConnection} (README, "Custom resource"). Required: {@code connectionName},
 * {@code authorizationType}, {@code credentialsSecret}.
 */
public final class EventBridgeConnectionFromSecretProps {
    private final String connectionName;
    private final AuthorizationType authorizationType;
    private final ISecret credentialsSecret;
    private final String description;
    private final HttpParameters invocationHttpParameters;
    private final HttpParameters oauthHttpParameters;
    private final String oauthResourceConfigurationArn;
    private final String invocationResourceConfigurationArn;
    private final IKey kmsKey;
    private final boolean linkSecretForRotation;
    private final String serviceToken;
    private final String stepConnectStackName;

    private EventBridgeConnectionFromSecretProps(Builder b) {
        this.connectionName = b.connectionName;
        this.authorizationType = b.authorizationType;
        this.credentialsSecret = b.credentialsSecret;
        this.description = b.description;
        this.invocationHttpParameters = b.invocationHttpParameters;
        this.oauthHttpParameters = b.oauthHttpParameters;
        this.oauthResourceConfigurationArn = b.oauthResourceConfigurationArn;
        this.invocationResourceConfigurationArn = b.invocationResourceConfigurationArn;
        this.kmsKey = b.kmsKey;
        this.linkSecretForRotation = b.linkSecretForRotation;
        this.serviceToken = b.serviceToken;
        this.stepConnectStackName = b.stepConnectStackName;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getConnectionName() {
        return connectionName;
    }

    public AuthorizationType getAuthorizationType() {
        return authorizationType;
    }

    public ISecret getCredentialsSecret() {
        return credentialsSecret;
    }

    public String getDescription() {
        return description;
    }

    public HttpParameters getInvocationHttpParameters() {
        return invocationHttpParameters;
    }

    public HttpParameters getOauthHttpParameters() {
        return oauthHttpParameters;
    }

    public String getOauthResourceConfigurationArn() {
        return oauthResourceConfigurationArn;
    }

    public String getInvocationResourceConfigurationArn() {
        return invocationResourceConfigurationArn;
    }

    public IKey getKmsKey() {
        return kmsKey;
    }

    public boolean isLinkSecretForRotation() {
        return linkSecretForRotation;
    }

    public String getServiceToken() {
        return serviceToken;
    }

    public String getStepConnectStackName() {
        return stepConnectStackName;
    }

    public static final class Builder {
        private String connectionName;
        private AuthorizationType authorizationType;
        private ISecret credentialsSecret;
        private String description;
        private HttpParameters invocationHttpParameters;
        private HttpParameters oauthHttpParameters;
        private String oauthResourceConfigurationArn;
        private String invocationResourceConfigurationArn;
        private IKey kmsKey;
        private boolean linkSecretForRotation;
        private String serviceToken;
        private String stepConnectStackName;

        private Builder() {
        }

        /** Connection name: 1-64 characters of {@code A-Z a-z 0-9 . - _}; changing it replaces the connection. */
        public Builder connectionName(String connectionName) {
            this.connectionName = connectionName;
            return this;
        }

        public Builder authorizationType(AuthorizationType authorizationType) {
            this.authorizationType = authorizationType;
            return this;
        }

        /**
         * The credentials secret (JSON format in the README), read at deploy time. A secret defined in
         * this app is tagged {@code stepconnect:credentials=true}; an imported one must carry that tag
         * already (a synth-time warning says how).
         */
        public Builder credentialsSecret(ISecret credentialsSecret) {
            this.credentialsSecret = credentialsSecret;
            return this;
        }

        /** At most 401 characters: EventBridge allows 512, StepConnect keeps the rest for its ownership marker. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Parameters EventBridge adds to every call through the connection. */
        public Builder invocationHttpParameters(HttpParameters invocationHttpParameters) {
            this.invocationHttpParameters = invocationHttpParameters;
            return this;
        }

        /** Parameters of the OAuth token request; {@link AuthorizationType#OAUTH_CLIENT_CREDENTIALS} only. */
        public Builder oauthHttpParameters(HttpParameters oauthHttpParameters) {
            this.oauthHttpParameters = oauthHttpParameters;
            return this;
        }

        /**
         * VPC Lattice resource configuration ARN of a private OAuth authorization endpoint
         * ({@code OAuthConnectivityParameters}); {@link AuthorizationType#OAUTH_CLIENT_CREDENTIALS} only.
         */
        public Builder oauthResourceConfigurationArn(String oauthResourceConfigurationArn) {
            this.oauthResourceConfigurationArn = oauthResourceConfigurationArn;
            return this;
        }

        /**
         * VPC Lattice resource configuration ARN of a private API ({@code InvocationConnectivityParameters}):
         * the connection then ends ACTIVE instead of AUTHORIZED.
         */
        public Builder invocationResourceConfigurationArn(String invocationResourceConfigurationArn) {
            this.invocationResourceConfigurationArn = invocationResourceConfigurationArn;
            return this;
        }

        /** Customer managed key for the connection's own managed secret ({@code KmsKeyIdentifier}). */
        public Builder kmsKey(IKey kmsKey) {
            this.kmsKey = kmsKey;
            return this;
        }

        /**
         * Keep the connection in sync when the credentials secret rotates: the secret gets the
         * {@code stepconnect:connection} tag RotationFunction reads (default false).
         */
        public Builder linkSecretForRotation(boolean linkSecretForRotation) {
            this.linkSecretForRotation = linkSecretForRotation;
            return this;
        }

        /**
         * ConnectionProviderFunction's alias ARN. Default: the StepConnect stack's export
         * {@code <stepConnectStackName>-ConnectionProviderServiceToken}.
         */
        public Builder serviceToken(String serviceToken) {
            this.serviceToken = serviceToken;
            return this;
        }

        /** Name of the deployed StepConnect stack whose exports are used (default {@code stepconnect}). */
        public Builder stepConnectStackName(String stepConnectStackName) {
            this.stepConnectStackName = stepConnectStackName;
            return this;
        }

        public EventBridgeConnectionFromSecretProps build() {
            return new EventBridgeConnectionFromSecretProps(this);
        }
    }
}
