package dev.stepconnect.testing;

import dev.stepconnect.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 *   <li>otherwise one {@code moto_server} is started for the whole test run on a free loopback port
 *       (through {@code launch_moto.py}, which carries a fix for getmoto/moto#10077), with Step
 *       Functions execution enabled, and stopped when the run ends.</li>
 * </ul>
 * Tests isolate themselves with {@link #uniqueName}, which works on every endpoint, rather than by
 * resetting a shared emulator. Without moto the tests are skipped with a how-to, unless
 * {@code -Dstepconnect.requireEmulator=true} (CI) turns that into a failure.
 */
public final class AwsEmulator implements BeforeAllCallback {
    public static final Region REGION = Region.US_EAST_1;
    private static final String INSTALL_HINT = "pip install 'moto[server]'";

    private static Endpoint endpoint;
    private static String unavailableReason;

    /** The endpoint in use, shared by every test class of this JVM. */
    public record Endpoint(URI uri, boolean external, Process process) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            if (process != null) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
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
        String python = findPython();
        if (!commandSucceeds(List.of(python, "-c", "import moto.server, flask, werkzeug"))) {
            throw new EmulatorUnavailableException("moto_server is not installed for " + python + " (" + INSTALL_HINT + ")");
        }
        int port = freePort();
        Path launcher = copyLauncher();
        Path logFile;
        Process process;
        try {
            logFile = Files.createTempFile("moto-server-", ".log");
            List<String> command = new ArrayList<>(List.of(python, launcher.toString(), "-H", "127.0.0.1", "-p",
                    String.valueOf(port)));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new EmulatorUnavailableException("could not start moto_server: " + e.getMessage());
        }
        URI uri = URI.create("http://127.0.0.1:" + port);
        Endpoint started = new Endpoint(uri, false, process);
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        waitUntilAnswering(uri, process, logFile);
        post(uri.resolve("/moto-api/config"), "{\"stepfunctions\":{\"execute_state_machine\":true}}");
        return started;
    }

    private static void waitUntilAnswering(URI uri, Process process, Path logFile) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited early; its log: " + readQuietly(logFile));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) uri.resolve("/moto-api/").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("moto_server did not answer within 60 s; its log: " + readQuietly(logFile));
    }

    private static void post(URI uri, String body) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("POST " + uri + " answered " + status);
            }
        } catch (IOException e) {
            throw new IllegalStateException("POST " + uri + " failed: " + e.getMessage(), e);
        }
    }

    private static String findPython() {
        String configured = System.getProperty("stepconnect.python", System.getenv("STEPCONNECT_PYTHON"));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return commandSucceeds(List.of("python3", "--version")) ? "python3" : "python";
    }

    private static boolean commandSucceeds(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path copyLauncher() {
        try (InputStream in = AwsEmulator.class.getResourceAsStream("/moto/launch_moto.py")) {
            if (in == null) {
                throw new IllegalStateException("test resource /moto/launch_moto.py is missing");
            }
            Path file = Files.createTempFile("launch_moto", ".py");
            Files.write(file, in.readAllBytes());
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the moto launcher: " + e.getMessage(), e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            String text = Files.readString(file);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for moto_server", e);
        }
    }

    private static final class EmulatorUnavailableException extends RuntimeException {
        EmulatorUnavailableException(String message) {
            super(message);
        }
    }
}
