package dev.stepconnect.probe;

import dev.stepconnect.lambda.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The plain HTTP calls the probes make: bounded by a timeout and the deadline, no redirects, no caches. */
final class HttpCalls {
    static final int MAX_BODY = 64 * 1024;

    private HttpCalls() {
    }

    static HttpURLConnection open(URI uri, String method, Duration requestTimeout, Deadline deadline) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        int timeout = (int) Math.max(1, Math.min(requestTimeout.toMillis(), deadline.remaining().toMillis()));
        connection.setConnectTimeout(timeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        return connection;
    }

    /** The response body (at most {@link #MAX_BODY} bytes), whatever the status; "" when there is none. */
    static String body(HttpURLConnection connection) {
        try (InputStream in = connection.getErrorStream() != null ? connection.getErrorStream() : connection.getInputStream()) {
            return in == null ? "" : new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        } catch (IOException ignored) {
            return "";
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
