package dev.stepconnect.aws;

import dev.stepconnect.config.Environment;
import dev.stepconnect.lambda.DryRun;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The one place AWS SDK clients are built. Each function asks only for the clients it uses, once, at
 * init. Choices made on purpose:
 * <ul>
 *   <li>region from {@code AWS_REGION} and credentials from the environment (key variables, or the
 *       container credentials endpoint Lambda gives SnapStart functions), so the SDK does not walk its
 *       default provider chains; profiles only as a fallback for local runs;</li>
 *   <li>one shared {@link UrlConnectionHttpClient}: JDK-only, no thread pools, the lightest init;</li>
 *   <li>standard retry mode (exponential backoff with jitter on throttling and 5xx) and bounded call
 *       timeouts so a stuck endpoint can never eat a Lambda's whole time budget;</li>
 *   <li>endpoints from {@code AWS_ENDPOINT_URL_<SERVICE>} / {@code AWS_ENDPOINT_URL}, as everywhere in the SDK,
 *       so the same build runs against AWS, moto, LocalStack or a sandbox.</li>
 * </ul>
 */
public final class AwsClients {
    private static final ProfileFile NO_CONFIGURED_ENDPOINTS = ProfileFile.builder()
            .content(new ByteArrayInputStream("[default]\nignore_configured_endpoint_urls = true\n"
                    .getBytes(StandardCharsets.UTF_8)))
            .type(ProfileFile.Type.CONFIGURATION)
            .build();
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Function<String, Optional<URI>> endpoints;
    private final ClientTimeouts timeouts;
    private SdkHttpClient httpClient;

    /** Timeouts and retry budget (attempts per call, the first included) shared by every client of a function. */
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

    /** Every service at {@code endpoint} (null: AWS's own endpoints). */
    public AwsClients(Region region, AwsCredentialsProvider credentials, URI endpoint, ClientTimeouts timeouts) {
        this(region, credentials, service -> Optional.ofNullable(endpoint), timeouts);
    }

    private AwsClients(Region region, AwsCredentialsProvider credentials, Function<String, Optional<URI>> endpoints,
                       ClientTimeouts timeouts) {
        this.region = region;
        this.credentials = credentials;
        this.endpoints = endpoints;
        this.timeouts = timeouts;
    }

    /**
     * Production wiring: everything from the Lambda environment. Endpoints follow the SDK's own
     * convention, {@code AWS_ENDPOINT_URL_<SERVICE>} before {@code AWS_ENDPOINT_URL}; they are read from
     * {@code env} explicitly so that an {@link Environment} built in-process (the local run) behaves
     * exactly like the process environment.
     */
    public static AwsClients fromEnvironment(Environment env) {
        String regionName = env.optional("AWS_REGION").or(() -> env.optional("AWS_DEFAULT_REGION")).orElse("us-east-1");
        return new AwsClients(Region.of(regionName), credentialsFrom(env), endpointsFrom(env), ClientTimeouts.defaults());
    }

    private static AwsCredentialsProvider credentialsFrom(Environment env) {
        Optional<String> accessKey = env.optional("AWS_ACCESS_KEY_ID");
        if (accessKey.isPresent()) {
            // Lambda sets the AWS_ACCESS_KEY_ID family: no provider chain walk at cold start.
            if (env.isSystem()) {
                return EnvironmentVariableCredentialsProvider.create();
            }
            String secretKey = env.optional("AWS_SECRET_ACCESS_KEY").orElse("");
            return StaticCredentialsProvider.create(env.optional("AWS_SESSION_TOKEN")
                    .<AwsCredentials>map(token -> AwsSessionCredentials.create(accessKey.get(), secretKey, token))
                    .orElseGet(() -> AwsBasicCredentials.create(accessKey.get(), secretKey)));
        }
        if (env.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()
                || env.optional("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").isPresent()) {
            // SnapStart functions get no key variables: Lambda serves their (refreshing) credentials
            // from AWS_CONTAINER_CREDENTIALS_FULL_URI, so a restored snapshot never reuses stale keys.
            return ContainerCredentialsProvider.builder().build();
        }
        // Local runs outside Lambda: system properties, then the shared profile files.
        return AwsCredentialsProviderChain.of(SystemPropertyCredentialsProvider.create(),
                ProfileCredentialsProvider.create());
    }

    private static Function<String, Optional<URI>> endpointsFrom(Environment env) {
        return serviceSuffix -> env.optional("AWS_ENDPOINT_URL_" + serviceSuffix)
                .or(() -> env.optional("AWS_ENDPOINT_URL"))
                .map(URI::create);
    }

    /**
     * Same region, credentials, timeouts and endpoints, except {@code serviceSuffix} (as in
     * {@code AWS_ENDPOINT_URL_<SERVICE>}, e.g. {@code CLOUDFORMATION}) at {@code endpoint}.
     */
    public AwsClients withEndpoint(String serviceSuffix, URI endpoint) {
        return new AwsClients(region, credentials,
                service -> service.equals(serviceSuffix) ? Optional.of(endpoint) : endpoints.apply(service), timeouts);
    }

    /** Same region, credentials and endpoints, other timeouts (own HTTP client). */
    public AwsClients withTimeouts(ClientTimeouts newTimeouts) {
        return new AwsClients(region, credentials, endpoints, newTimeouts);
    }

    public Region region() {
        return region;
    }

    public ClientTimeouts timeouts() {
        return timeouts;
    }

    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
    }

    public EventBridgeClient eventBridge() {
        return configure(EventBridgeClient.builder(), "EVENTBRIDGE").build();
    }

    public SfnClient sfn() {
        return configure(SfnClient.builder(), "SFN").build();
    }

    public CloudWatchClient cloudWatch() {
        return configure(CloudWatchClient.builder(), "CLOUDWATCH").build();
    }

    public SchedulerClient scheduler() {
        return configure(SchedulerClient.builder(), "SCHEDULER").build();
    }

    public CloudWatchLogsClient cloudWatchLogs() {
        return configure(CloudWatchLogsClient.builder(), "CLOUDWATCH_LOGS").build();
    }

    /** Path-style addressing on a custom endpoint: an emulator on an IP or localhost has no bucket subdomains. */
    public S3Client s3() {
        return configure(S3Client.builder(), "S3").forcePathStyle(endpoints.apply("S3").isPresent()).build();
    }

    public CloudFormationClient cloudFormation() {
        return configure(CloudFormationClient.builder(), "CLOUDFORMATION").build();
    }

    public LambdaClient lambda() {
        return configure(LambdaClient.builder(), "LAMBDA").build();
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

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, String serviceSuffix) {
        Optional<URI> endpoint = endpoints.apply(serviceSuffix);
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(timeouts.maxAttempts()).build())
                .addExecutionInterceptor(DryRun.INTERCEPTOR)
                .apiCallAttemptTimeout(timeouts.apiCallAttempt())
                .apiCallTimeout(timeouts.apiCall());
        // The endpoint is decided here alone: without this the SDK would also read AWS_ENDPOINT_URL from the
        // process environment (and endpoint_url from profile files), which an in-process Environment must override.
        override.defaultProfileFile(NO_CONFIGURED_ENDPOINTS).defaultProfileName("default");
        if (endpoint.isPresent()) {
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
