package dev.stepconnect.probe;

import dev.stepconnect.lambda.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The plain HTTP calls the probes make: no redirects, no caches, and bounded as a whole. Connect and read
 * timeouts bound each socket operation only, so a server that trickles its answer could hold the function
 * past its deadline (and past the rollback a failure needs): every exchange is also cut off by closing the
 * connection when the earlier of the request timeout and the deadline passes.
 */
final class HttpCalls {
    static final int MAX_BODY = 64 * 1024;

    /**
     * One exchange on an open connection; an IOException (also the cut-off) means no answer.
     * {@code untilNanos} is the {@link System#nanoTime()} by which it must be over (see {@link #body}).
     */
    interface Exchange<T> {
        T run(HttpURLConnection connection, long untilNanos) throws IOException;
    }

    private HttpCalls() {
    }

    /**
     * Opens {@code uri} with {@code method} and runs {@code exchange} on it, all within {@code requestTimeout}
     * and {@code deadline}, whichever ends first.
     *
     * @throws IOException when the endpoint is unreachable, too slow in any part of its answer, or cut off
     */
    static <T> T exchange(URI uri, String method, Duration requestTimeout, Deadline deadline, Exchange<T> exchange)
            throws IOException {
        long limitMillis = Math.max(1, Math.min(requestTimeout.toMillis(), deadline.remaining().toMillis()));
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout((int) limitMillis);
        connection.setReadTimeout((int) limitMillis);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        long untilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
        ScheduledFuture<?> cutOff = Timer.INSTANCE.schedule(connection::disconnect, limitMillis, TimeUnit.MILLISECONDS);
        try {
            return exchange.run(connection, untilNanos);
        } finally {
            cutOff.cancel(false);
            connection.disconnect();
        }
    }

    /**
     * The response body (at most {@link #MAX_BODY} bytes), whatever the status; "" when there is none. Read
     * in chunks and checked against {@code untilNanos} after each: a disconnect from the cut-off timer does not
     * reliably interrupt a read in progress (HttpURLConnection may drain a keep-alive stream instead), so an
     * answer that trickles in, each chunk within the read timeout, is stopped here.
     *
     * @throws IOException when the body cannot be read to its end in time (trickled, cut off, malformed)
     */
    static String body(HttpURLConnection connection, long untilNanos) throws IOException {
        try (InputStream in = connection.getErrorStream() != null ? connection.getErrorStream() : connection.getInputStream()) {
            if (in == null) {
                return "";
            }
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while (read.size() < MAX_BODY && (n = in.read(chunk, 0, Math.min(chunk.length, MAX_BODY - read.size()))) != -1) {
                read.write(chunk, 0, n);
                if (System.nanoTime() - untilNanos > 0) {
                    throw new java.net.SocketTimeoutException("the answer took longer than the request timeout");
                }
            }
            return read.toString(StandardCharsets.UTF_8);
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Created on first use (not during SnapStart priming), one daemon thread for every cut-off. */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stepconnect-http-cutoff");
            thread.setDaemon(true);
            return thread;
        });
    }
}
