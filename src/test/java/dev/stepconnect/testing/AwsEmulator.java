package dev.stepconnect.testing;

import dev.stepconnect.aws.AwsClients;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * JUnit 5 extension giving tests an AWS endpoint to talk to with real SDK clients.
 * <ul>
 *   <li>{@code AWS_ENDPOINT_URL} set: that endpoint (LocalStack, another emulator, a sandbox account)
 *       is used as is and nothing is started;</li>
 *   <li>otherwise one {@link MotoServer} is started for the whole test run and stopped when the run ends.</li>
 * </ul>
 * Tests isolate themselves with {@link #uniqueName}, which works on every endpoint, rather than by
 * resetting a shared emulator. Without moto the tests are skipped with a how-to, unless
 * {@code -Dstepconnect.requireEmulator=true} (CI) turns that into a failure.
 */
public final class AwsEmulator implements BeforeAllCallback {
    public static final Region REGION = Region.US_EAST_1;

    private static Endpoint endpoint;
    private static String unavailableReason;

    /** The endpoint in use, shared by every test class of this JVM. */
    public record Endpoint(URI uri, boolean external, MotoServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (AwsEmulator.class) {
            if (endpoint == null && unavailableReason == null) {
                try {
                    endpoint = startOrConnect();
                    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(AwsEmulator.class, endpoint);
                } catch (EmulatorUnavailableException e) {
                    unavailableReason = e.getMessage();
                }
            }
        }
        if (unavailableReason != null) {
            if (Boolean.getBoolean("stepconnect.requireEmulator")) {
                throw new IllegalStateException("AWS emulator required (-Dstepconnect.requireEmulator=true) but "
                        + unavailableReason);
            }
            Assumptions.abort("Skipping emulator-backed tests: " + unavailableReason);
        }
    }

    public static URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("AwsEmulator extension not registered on this test class");
        }
        return endpoint.uri();
    }

    public static boolean isExternal() {
        return endpoint != null && endpoint.external();
    }

    public static AwsCredentialsProvider credentials() {
        if (isExternal() && System.getenv("AWS_ACCESS_KEY_ID") != null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    public static Region region() {
        String region = System.getenv("AWS_REGION");
        return isExternal() && region != null ? Region.of(region) : REGION;
    }

    /** Client factory pointed at the emulator, built the same way the functions build theirs. */
    public static AwsClients clients() {
        return new AwsClients(region(), credentials(), endpoint(), AwsClients.ClientTimeouts.defaults());
    }

    /** A name no other test (or earlier run against an external endpoint) uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Endpoint startOrConnect() {
        String external = System.getenv("AWS_ENDPOINT_URL");
        if (external != null && !external.isBlank()) {
            return new Endpoint(URI.create(external.trim()), true, null);
        }
        return startMoto();
    }

    private static Endpoint startMoto() {
        try {
            MotoServer server = MotoServer.start();
            return new Endpoint(server.uri(), false, server);
        } catch (MotoServer.NotInstalledException e) {
            throw new EmulatorUnavailableException(e.getMessage());
        }
    }

    private static final class EmulatorUnavailableException extends RuntimeException {
        EmulatorUnavailableException(String message) {
            super(message);
        }
    }
}
