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
 * at cold start. Retries network errors, 5xx, 408 and 429 with doubling backoff, a bounded number of
 * times and never past the deadline; other 4xx (expired or forged URL) cannot get better by retrying.
 * Never logs the URL: it is the credential that decides the resource's fate.
 */
public final class ResponseUrlSender {
    private static final Log LOG = Log.named("cfn-response");
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public ResponseUrlSender(int maxAttempts, Duration initialBackoff, Duration connectTimeout, Duration readTimeout) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public static ResponseUrlSender defaults() {
        return new ResponseUrlSender(5, Duration.ofMillis(250), Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    /** @return true when the URL accepted the answer (2xx) */
    public boolean send(URI url, String body, Deadline deadline) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Duration backoff = initialBackoff;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            String outcome;
            boolean retryable;
            try {
                int status = put(url, bytes, deadline);
                if (status / 100 == 2) {
                    LOG.info("response delivered", "attempt", attempt, "httpStatus", status);
                    return true;
                }
                outcome = "HTTP " + status;
                retryable = status >= 500 || status == 408 || status == 429;
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
                retryable = true;
            }
            boolean last = attempt == maxAttempts || !retryable || deadline.remaining().compareTo(backoff) <= 0;
            LOG.warn("response delivery attempt failed", "attempt", attempt, "outcome", outcome, "willRetry", !last);
            if (last) {
                return false;
            }
            if (!sleep(backoff)) {
                return false;
            }
            backoff = backoff.multipliedBy(2);
        }
        return false;
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
        return (int) Math.max(200, Math.min(configured.toMillis(), left));
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
