package dev.stepconnect.cfn;

import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * PUTs the answer to the pre-signed ResponseURL. {@link HttpURLConnection} because it costs nothing
 * at cold start. Retries network errors, 5xx, 408 and 429 with doubling backoff (capped) for as long as
 * the deadline allows: an undelivered answer leaves the stack waiting for its ServiceTimeout (an hour
 * by default), so there is no fixed attempt count. Other 4xx (expired or forged URL) cannot get better
 * by retrying. Never logs the URL: it is the credential that decides the resource's fate.
 *
 * @see <a href="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html">Custom resource responses</a>
 */
public final class ResponseUrlSender {
    private static final Log LOG = Log.named("cfn-response");
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * @param initialBackoff pause after the first failed attempt; doubled after each further one
     * @param maxBackoff     longest pause between two attempts
     */
    public ResponseUrlSender(Duration initialBackoff, Duration maxBackoff, Duration connectTimeout, Duration readTimeout) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public static ResponseUrlSender defaults() {
        return new ResponseUrlSender(Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(3),
                Duration.ofSeconds(5));
    }

    /** Sends {@code body}, retrying until it is accepted (2xx), refused for good, or {@code deadline} passes. */
    public Delivery send(URI url, String body, Deadline deadline) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Duration backoff = initialBackoff;
        int attempt = 0;
        while (true) {
            attempt++;
            String outcome;
            boolean retryable;
            try {
                int status = put(url, bytes, deadline);
                if (status / 100 == 2) {
                    LOG.info("response delivered", "attempt", attempt, "httpStatus", status);
                    return new Delivery(true, attempt, "HTTP " + status);
                }
                outcome = "HTTP " + status;
                retryable = status >= 500 || status == 408 || status == 429;
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
                retryable = true;
            }
            boolean last = !retryable || deadline.remaining().compareTo(backoff) <= 0;
            LOG.warn("response delivery attempt failed", "attempt", attempt, "outcome", outcome, "willRetry", !last);
            if (last || !sleep(backoff)) {
                return new Delivery(false, attempt, outcome);
            }
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    private int put(URI url, byte[] body, Deadline deadline) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        try {
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(timeoutMillis(connectTimeout, deadline));
            connection.setReadTimeout(timeoutMillis(readTimeout, deadline));
            // The URL is signed for an empty Content-Type; HttpURLConnection would otherwise add a form type.
            connection.setRequestProperty("Content-Type", "");
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            drain(status / 100 == 2 ? connection.getInputStream() : connection.getErrorStream());
            return status;
        } finally {
            connection.disconnect();
        }
    }

    private static int timeoutMillis(Duration configured, Deadline deadline) {
        long left = deadline.remaining().toMillis();
        return (int) Math.max(100, Math.min(configured.toMillis(), left));
    }

    private static void drain(InputStream in) throws IOException {
        if (in != null) {
            try (in) {
                in.readAllBytes();
            }
        }
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
