package dev.stepconnect.cdk;

/**
 * How the connection authorizes calls; must match the credentials secret's keys (README, "Credentials
 * secret"). See EventBridge's {@code CreateConnection} {@code AuthorizationType}.
 */
public enum AuthorizationType {
    /** Secret keys {@code apiKeyName}, {@code apiKeyValue}. */
    API_KEY,
    /** Secret keys {@code username}, {@code password}. */
    BASIC,
    /** Secret keys {@code clientId}, {@code clientSecret}, {@code authorizationEndpoint}, optional {@code httpMethod}. */
    OAUTH_CLIENT_CREDENTIALS
}
