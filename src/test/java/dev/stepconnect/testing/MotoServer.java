package dev.stepconnect.testing;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code moto_server} process on a free loopback port, started through {@code launch_moto.py}
 * (which carries a fix for getmoto/moto#10077) with Step Functions execution enabled. Used by the
 * test extension and by the local run.
 */
public final class MotoServer implements AutoCloseable {
    public static final String INSTALL_HINT = "pip install 'moto[server]'";
    private final URI uri;
    private final Process process;

    private MotoServer(URI uri, Process process) {
        this.uri = uri;
        this.process = process;
    }

    public URI uri() {
        return uri;
    }

    /** Starts a server and waits until it answers; {@link NotInstalledException} when moto is missing. */
    public static MotoServer start() {
        String python = findPython();
        if (!commandSucceeds(List.of(python, "-c", "import moto.server, flask, werkzeug"))) {
            throw new NotInstalledException("moto_server is not installed for " + python + " (" + INSTALL_HINT + ")");
        }
        int port = freePort();
        Path launcher = copyLauncher();
        Path logFile;
        Process process;
        try {
            logFile = Files.createTempFile("moto-server-", ".log");
            process = new ProcessBuilder(python, launcher.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start moto_server: " + e.getMessage(), e);
        }
        MotoServer server = new MotoServer(URI.create("http://127.0.0.1:" + port), process);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        waitUntilAnswering(server.uri, process, logFile);
        // Lambda functions (the stand-in rotation function RotationStart names) are "invoked" without Docker.
        post(server.uri.resolve("/moto-api/config"),
                "{\"stepfunctions\":{\"execute_state_machine\":true},\"lambda\":{\"use_docker\":false}}");
        return server;
    }

    @Override
    public void close() {
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

    /** moto is not installed for the Python found on this machine. */
    public static final class NotInstalledException extends RuntimeException {
        NotInstalledException(String message) {
            super(message);
        }
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

    public static int freePort() {
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

}
