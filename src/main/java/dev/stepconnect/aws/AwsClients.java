package dev.stepconnect.aws;

import dev.stepconnect.config.Environment;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The one place AWS SDK clients are built. Each function asks only for the clients it uses, once, at
 * init. Choices made on purpose:
 * <ul>
 *   <li>region from {@code AWS_REGION} and credentials from the environment, so the SDK does not walk
 *       its default provider chains (a measurable part of a cold start); profiles only as a fallback for
 *       local runs;</li>
 *   <li>one shared {@link UrlConnectionHttpClient}: JDK-only, no thread pools, the lightest init;</li>
 *   <li>standard retry mode (exponential backoff with jitter on throttling and 5xx) and bounded call
 *       timeouts so a stuck endpoint can never eat a Lambda's whole time budget;</li>
 *   <li>an explicit endpoint (tests) or the SDK's own {@code AWS_ENDPOINT_URL[_SERVICE]} handling.</li>
 * </ul>
 */
public final class AwsClients {
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Optional<URI> endpoint;
    private final boolean customEndpoint;
    private final ClientTimeouts timeouts;
    private SdkHttpClient httpClient;

    /** Timeouts and retry budget shared by every client of a function. */
    public record ClientTimeouts(Duration connect, Duration socket, Duration apiCallAttempt, Duration apiCall,
                                 int maxAttempts) {
        public static ClientTimeouts defaults() {
            return new ClientTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(20), Duration.ofSeconds(25),
                    Duration.ofSeconds(60), 4);
        }

        /** Step Functions TestState runs an HTTP Task that may take up to its 60 s timeout. */
        public ClientTimeouts forLongCalls() {
            return new ClientTimeouts(connect, Duration.ofSeconds(75), Duration.ofSeconds(80),
                    Duration.ofSeconds(90), maxAttempts);
        }
    }

    public AwsClients(Region region, AwsCredentialsProvider credentials, URI endpoint, ClientTimeouts timeouts) {
        this.region = region;
        this.credentials = credentials;
        this.endpoint = Optional.ofNullable(endpoint);
        this.customEndpoint = endpoint != null;
        this.timeouts = timeouts;
    }

    /** Production wiring: everything from the Lambda environment. */
    public static AwsClients fromEnvironment(Environment env) {
        String regionName = env.optional("AWS_REGION").or(() -> env.optional("AWS_DEFAULT_REGION")).orElse("us-east-1");
        // Lambda always sets the AWS_ACCESS_KEY_ID family; build the profile reader only for local runs.
        AwsCredentialsProvider credentials = env.optional("AWS_ACCESS_KEY_ID").isPresent()
                ? EnvironmentVariableCredentialsProvider.create()
                : AwsCredentialsProviderChain.of(SystemPropertyCredentialsProvider.create(),
                        ProfileCredentialsProvider.create());
        // The SDK resolves AWS_ENDPOINT_URL itself; we only need to know that one is set (see sfn()).
        boolean custom = env.optional("AWS_ENDPOINT_URL").isPresent() || env.optional("AWS_ENDPOINT_URL_SFN").isPresent();
        AwsClients clients = new AwsClients(Region.of(regionName), credentials, null, ClientTimeouts.defaults());
        return custom ? clients.withCustomEndpointFlag() : clients;
    }

    private AwsClients(AwsClients source, ClientTimeouts timeouts, boolean customEndpoint) {
        this.region = source.region;
        this.credentials = source.credentials;
        this.endpoint = source.endpoint;
        this.customEndpoint = customEndpoint;
        this.timeouts = timeouts;
    }

    private AwsClients withCustomEndpointFlag() {
        return new AwsClients(this, timeouts, true);
    }

    /** Same region, credentials and endpoint, other timeouts (own HTTP client). */
    public AwsClients withTimeouts(ClientTimeouts newTimeouts) {
        return new AwsClients(this, newTimeouts, customEndpoint);
    }

    public Region region() {
        return region;
    }

    public ClientTimeouts timeouts() {
        return timeouts;
    }

    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder()).build();
    }

    public EventBridgeClient eventBridge() {
        return configure(EventBridgeClient.builder()).build();
    }

    public SfnClient sfn() {
        return configure(SfnClient.builder()).build();
    }

    public CloudWatchClient cloudWatch() {
        return configure(CloudWatchClient.builder()).build();
    }

    public SchedulerClient scheduler() {
        return configure(SchedulerClient.builder()).build();
    }

    private synchronized SdkHttpClient httpClient() {
        if (httpClient == null) {
            httpClient = UrlConnectionHttpClient.builder()
                    .connectionTimeout(timeouts.connect())
                    .socketTimeout(timeouts.socket())
                    .build();
        }
        return httpClient;
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(timeouts.apiCallAttempt())
                .apiCallTimeout(timeouts.apiCall());
        if (customEndpoint) {
            // Some operations (Step Functions TestState: "sync-") prepend a host prefix; an emulator
            // on an IP address or localhost cannot answer on such a host.
            override.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true);
        }
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(httpClient())
                .overrideConfiguration(override.build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }
}
