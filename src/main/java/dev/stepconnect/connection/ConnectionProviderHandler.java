package dev.stepconnect.connection;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.aws.AwsClients;
import dev.stepconnect.cfn.CloudFormationStacks;
import dev.stepconnect.cfn.Continuer;
import dev.stepconnect.cfn.CustomResourceProvider;
import dev.stepconnect.cfn.LambdaSelfInvoker;
import dev.stepconnect.cfn.CustomResourceRunner;
import dev.stepconnect.cfn.ProviderUnavailableException;
import dev.stepconnect.cfn.ResponseUrlSender;
import dev.stepconnect.config.Environment;
import dev.stepconnect.eventbridge.ConnectionGateway;
import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * ConnectionProviderFunction: the provider of {@code Custom::EventBridgeConnection}. Dependencies are
 * built once at init, but a failure to build them is kept rather than thrown, so that every request
 * still gets its FAILED answer instead of leaving the stack waiting.
 */
public final class ConnectionProviderHandler implements RequestStreamHandler {
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** Room before the Lambda deadline for the FAILED answer's PUT and its retries. */
    static final Duration DEFAULT_TIMER_MARGIN = Duration.ofSeconds(10);
    /**
     * Longest overall wait for AUTHORIZED/ACTIVE: CloudFormation's longest ServiceTimeout. A wait longer
     * than one invocation continues in later invocations of the function (see {@link LambdaSelfInvoker}).
     */
    static final int MAX_WAIT_SECONDS = 3600;

    private final CustomResourceRunner runner;

    public ConnectionProviderHandler() {
        this(Environment.system());
    }

    /** Builds the real dependencies from {@code env} (the local run passes its own). */
    public ConnectionProviderHandler(Environment env) {
        this(env, AwsClients::fromEnvironment, DEFAULT_POLL_INTERVAL, DEFAULT_TIMER_MARGIN, ResponseUrlSender.defaults());
    }

    ConnectionProviderHandler(Environment environment, Function<Environment, AwsClients> clients, Duration pollInterval,
                              Duration timerMargin, ResponseUrlSender sender) {
        // Built once, with the provider: without clients there is nothing to hand a request on with either.
        Continuer[] continuer = {Continuer.NONE};
        Supplier<CustomResourceProvider> provider = guarded(() -> {
            int waitSeconds = environment.integer("STEPCONNECT_WAIT_SECONDS", 60, 0, MAX_WAIT_SECONDS);
            AwsClients aws = clients.apply(environment);
            EventBridgeClient events = aws.eventBridge();
            SecretsManagerClient secrets = aws.secretsManager();
            CloudFormationClient cloudFormation = aws.cloudFormation();
            ConnectionPriming.register(events, secrets, cloudFormation);
            ConnectionService service = new ConnectionService(new ConnectionGateway(events, pollInterval),
                    new CredentialsSecretStore(secrets),
                    Duration.ofSeconds(waitSeconds), timerMargin);
            continuer[0] = new LambdaSelfInvoker(aws.lambda());
            return new ConnectionProvider(service, new CloudFormationStacks(cloudFormation));
        });
        this.runner = new CustomResourceRunner(provider, sender, timerMargin, Clock.systemUTC(), continuer[0]);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        runner.run(input, context);
    }

    private static Supplier<CustomResourceProvider> guarded(Supplier<CustomResourceProvider> factory) {
        try {
            CustomResourceProvider built = factory.get();
            return () -> built;
        } catch (Throwable failure) {
            String reason = Redaction.scrub(String.valueOf(failure.getMessage())) + " (" + failure.getClass().getSimpleName() + ")";
            Log.named("connection-provider").error("initialisation failed; every request will be answered FAILED", failure);
            return () -> {
                throw new ProviderUnavailableException(reason);
            };
        }
    }
}
