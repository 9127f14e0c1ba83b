package dev.stepconnect.eventbridge;

/**
 * How a connection reaches private endpoints through VPC Lattice resource configurations: the
 * invocation endpoint ({@code InvocationConnectivityParameters}) and, for OAuth, the authorization
 * endpoint ({@code AuthParameters.ConnectivityParameters}). Either ARN may be null (public endpoint).
 *
 * @see <a href="https://docs.aws.amazon.com/eventbridge/latest/userguide/connection-private.html">Connecting to private APIs</a>
 */
public record PrivateConnectivity(String invocationResourceConfigurationArn, String oauthResourceConfigurationArn) {
    public static final PrivateConnectivity NONE = new PrivateConnectivity(null, null);
}
