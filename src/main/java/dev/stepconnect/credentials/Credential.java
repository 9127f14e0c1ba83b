package dev.stepconnect.credentials;

/**
 * One third-party credential as kept in a credentials secret (see interface.md). {@link #toString()}
 * of every implementation masks the secret part, so a credential that ends up in a log or an exception
 * message by mistake still leaks nothing.
 */
public sealed interface Credential {
    AuthorizationType type();

    /** The write-only part EventBridge never returns (ApiKeyValue, Password, ClientSecret). */
    String secretValue();

    /** The JSON key of {@link #secretValue()} in the credentials secret. */
    String secretKey();

    record ApiKey(String apiKeyName, String apiKeyValue) implements Credential {
        @Override
        public AuthorizationType type() {
            return AuthorizationType.API_KEY;
        }

        @Override
        public String secretValue() {
            return apiKeyValue;
        }

        @Override
        public String secretKey() {
            return CredentialSecrets.API_KEY_VALUE;
        }

        @Override
        public String toString() {
            return "ApiKey[apiKeyName=" + apiKeyName + ", apiKeyValue=****]";
        }
    }

    record Basic(String username, String password) implements Credential {
        @Override
        public AuthorizationType type() {
            return AuthorizationType.BASIC;
        }

        @Override
        public String secretValue() {
            return password;
        }

        @Override
        public String secretKey() {
            return CredentialSecrets.PASSWORD;
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=****]";
        }
    }

    record OAuthClientCredentials(String clientId, String clientSecret, String authorizationEndpoint, String httpMethod)
            implements Credential {
        @Override
        public AuthorizationType type() {
            return AuthorizationType.OAUTH_CLIENT_CREDENTIALS;
        }

        @Override
        public String secretValue() {
            return clientSecret;
        }

        @Override
        public String secretKey() {
            return CredentialSecrets.CLIENT_SECRET;
        }

        @Override
        public String toString() {
            return "OAuthClientCredentials[clientId=" + clientId + ", clientSecret=****, authorizationEndpoint="
                    + authorizationEndpoint + ", httpMethod=" + httpMethod + "]";
        }
    }
}
