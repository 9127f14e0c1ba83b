package bench.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.config.Environment;
import dev.stepconnect.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Bench only, never deployed: does what a real function's init does (environment, JSON, the SDK
 * clients it needs, built via {@link AwsClients}) and one call per client on the first invocation, and
 * records wall time, thread CPU time and classes loaded per phase into {@code BENCH_PROBE_OUT}.
 *
 * <p>Env: {@code BENCH_PROBE_CLIENTS} (comma-separated: secretsmanager, eventbridge, sfn, cloudwatch,
 * scheduler, cloudformation, lambda, s3, logs), {@code BENCH_PROBE_HTTP} ({@code urlconnection}: through AwsClients; {@code crt}: the same
 * client configuration with the AWS CRT HTTP client; {@code none}).
 */
public final class ClientInitProbe implements RequestStreamHandler {
    private final List<String> phases = new ArrayList<>();
    private final ThreadMXBean threads;
    private final ClassLoadingMXBean classLoading;
    private final Map<String, SdkClient> clients = new java.util.LinkedHashMap<>();
    private final String secretId;
    private final String connection;
    private boolean firstInvocation = true;
    /** Strongly referenced: org.crac keeps registered resources weakly. Typed Object so that only the
     * crac variant loads org.crac classes (the other probes have no crac jar). */
    @SuppressWarnings("unused")
    private Object primingHook;

    public ClientInitProbe() {
        long start = System.nanoTime();
        threads = ManagementFactory.getThreadMXBean();
        classLoading = ManagementFactory.getClassLoadingMXBean();
        record("probe overhead: management beans", start, 0, 0);

        Environment env = time("Environment.system()", Environment::system);
        secretId = env.string("BENCH_PROBE_SECRET_ID", "missing");
        connection = env.string("BENCH_PROBE_CONNECTION", "missing");
        time("jackson-jr: Json.parseObject + write", () ->
                Json.write(Json.parseObject("{\"a\":{\"b\":[1,2,\"c\"]},\"d\":true}").asMap()));

        String http = env.string("BENCH_PROBE_HTTP", "urlconnection");
        List<String> names = Arrays.stream(env.string("BENCH_PROBE_CLIENTS", "").split(","))
                .filter(s -> !s.isBlank()).toList();
        if (http.equals("none") || names.isEmpty()) {
            return;
        }
        AwsClients aws = time("AwsClients.fromEnvironment", () -> AwsClients.fromEnvironment(env));
        if (http.equals("crt")) {
            SdkHttpClient crt = time("http client: AwsCrtHttpClient.build()", () -> AwsCrtHttpClient.builder()
                    .connectionTimeout(aws.timeouts().connect()).build());
            for (String name : names) {
                clients.put(name, time("client: " + name + " build (crt)", () -> buildWithCrt(name, aws, crt)));
            }
        } else {
            time("http client: UrlConnectionHttpClient.build()", () -> UrlConnectionHttpClient.builder().build());
            for (String name : names) {
                clients.put(name, time("client: " + name + " build", () -> buildWithAwsClients(name, aws)));
            }
        }
        String prime = env.string("BENCH_PROBE_PRIME", "none");
        if (prime.equals("init")) {
            primeAll();
        } else if (prime.equals("crac")) {
            primingHook = new CracPriming(this::primeAll);
        }
    }


    /**
     * What a CRaC beforeCheckpoint hook should do before the SnapStart snapshot: a read-only call on a
     * name that cannot exist, answered with a not-found error. No resource is touched.
     */
    private void primeAll() {
        for (Map.Entry<String, SdkClient> client : clients.entrySet()) {
            time("priming: " + client.getKey() + " not-found call", () -> prime(client.getKey(), client.getValue()));
        }
    }

    private static Object prime(String name, SdkClient client) {
        String missing = "stepconnect-priming-does-not-exist";
        try {
            return switch (name) {
                case "secretsmanager" -> ((SecretsManagerClient) client).getSecretValue(b -> b.secretId(missing));
                case "eventbridge" -> ((EventBridgeClient) client).describeConnection(b -> b.name(missing));
                default -> throw new IllegalArgumentException(name);
            };
        } catch (RuntimeException expected) {
            return expected;
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        boolean first = firstInvocation;
        firstInvocation = false;
        for (Map.Entry<String, SdkClient> client : clients.entrySet()) {
            String label = "call: " + client.getKey() + (first ? " (first)" : "");
            if (first) {
                time(label, () -> call(client.getKey(), client.getValue()));
            } else {
                call(client.getKey(), client.getValue());
            }
        }
        if (first) {
            String out = System.getenv("BENCH_PROBE_OUT");
            if (out != null) {
                Files.write(Path.of(out), phases, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            }
        }
        output.write("{}".getBytes(StandardCharsets.UTF_8));
    }

    private Object call(String name, SdkClient client) {
        try {
            return switch (name) {
                case "secretsmanager" -> ((SecretsManagerClient) client).getSecretValue(b -> b.secretId(secretId));
                case "eventbridge" -> ((EventBridgeClient) client).describeConnection(b -> b.name(connection));
                case "sfn" -> ((SfnClient) client).listStateMachines(b -> b.maxResults(1));
                case "cloudwatch" -> ((CloudWatchClient) client).describeAlarms(b -> b.maxRecords(1));
                case "scheduler" -> ((SchedulerClient) client).listScheduleGroups(b -> b.maxResults(1));
                case "cloudformation" -> ((CloudFormationClient) client).listStacks();
                case "lambda" -> ((LambdaClient) client).listFunctions(b -> b.maxItems(1));
                case "s3" -> ((S3Client) client).listBuckets();
                case "logs" -> ((CloudWatchLogsClient) client).describeLogGroups(b -> b.limit(1));
                default -> throw new IllegalArgumentException(name);
            };
        } catch (software.amazon.awssdk.core.exception.SdkServiceException e) {
            // The service answered (moto gaps such as CloudWatch's CBOR protocol answer 404): the call's
            // stack was loaded and exercised. Client-side failures (credentials, connection) propagate.
            return e;
        }
    }

    private static SdkClient buildWithAwsClients(String name, AwsClients aws) {
        return switch (name) {
            case "secretsmanager" -> aws.secretsManager();
            case "eventbridge" -> aws.eventBridge();
            case "sfn" -> aws.sfn();
            case "cloudwatch" -> aws.cloudWatch();
            case "scheduler" -> aws.scheduler();
            case "cloudformation" -> aws.cloudFormation();
            case "lambda" -> aws.lambda();
            case "s3" -> aws.s3();
            case "logs" -> aws.cloudWatchLogs();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The configuration AwsClients applies, with the CRT HTTP client instead of url-connection. */
    private static SdkClient buildWithCrt(String name, AwsClients aws, SdkHttpClient http) {
        ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(aws.timeouts().apiCallAttempt())
                .apiCallTimeout(aws.timeouts().apiCall())
                .build();
        var credentials = software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider.create();
        return switch (name) {
            case "secretsmanager" -> SecretsManagerClient.builder().region(aws.region()).credentialsProvider(credentials)
                    .httpClient(http).overrideConfiguration(override).build();
            case "eventbridge" -> EventBridgeClient.builder().region(aws.region()).credentialsProvider(credentials)
                    .httpClient(http).overrideConfiguration(override).build();
            default -> throw new IllegalArgumentException("crt probe supports secretsmanager, eventbridge: " + name);
        };
    }

    private <T> T time(String phase, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        long classes = classLoading.getTotalLoadedClassCount();
        T result = work.get();
        record(phase, start, cpu, classes);
        return result;
    }

    private void record(String phase, long startNanos, long startCpu, long startClasses) {
        double ms = (System.nanoTime() - startNanos) / 1e6;
        double cpuMs = startCpu == 0 ? ms : (threads.getCurrentThreadCpuTime() - startCpu) / 1e6;
        long classes = startClasses == 0 ? classLoading.getTotalLoadedClassCount()
                : classLoading.getTotalLoadedClassCount() - startClasses;
        phases.add(String.format(java.util.Locale.ROOT, "{\"phase\":\"%s\",\"ms\":%.2f,\"cpuMs\":%.2f,\"classes\":%d}",
                phase, ms, cpuMs, classes));
    }
}

/** The SnapStart priming hook: registered with org.crac, run by the RIC before the snapshot. */
final class CracPriming implements org.crac.Resource {
    private final Runnable priming;

    CracPriming(Runnable priming) {
        this.priming = priming;
        org.crac.Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
        priming.run();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
        // Nothing to refresh: url-connection opens new connections; credentials come from the environment.
    }
}
