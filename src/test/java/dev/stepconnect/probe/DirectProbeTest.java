package dev.stepconnect.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.probe.ProbeResult.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The direct probe against a test endpoint that answers too slowly to be waited for. */
class DirectProbeTest {

    @Test
    void anEndpointThatTricklesItsStatusLineCannotHoldTheProbePastItsTimeout() throws Exception {
        // Each byte of the answer comes well within the 2 s read timeout, the status line only after ~9 s: only a
        // bound on the whole exchange stops the probe in time for the rollback a failure needs.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> trickle(server, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
            trickler.setDaemon(true);
            trickler.start();
            ProbeResult result = new DirectProbe(Duration.ofSeconds(2)).probe(
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/ping"),
                    ConnectionDescription.builder("partner").build(), new Credential.ApiKey("x-api-key", "key-direct-01"),
                    Deadline.in(Duration.ofSeconds(30), Clock.systemUTC()));

            assertThat(result.outcome()).isEqualTo(Outcome.TRANSIENT);
            assertThat(result.detail()).doesNotContain("key-direct-01");
        }
    }

    private static void trickle(ServerSocket server, String answer) {
        try (Socket socket = server.accept()) {
            socket.getInputStream().read(new byte[4096]);
            OutputStream out = socket.getOutputStream();
            for (byte b : answer.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(250);
            }
        } catch (IOException | InterruptedException e) {
            // the probe hung up: what the test wants
        }
    }
}
