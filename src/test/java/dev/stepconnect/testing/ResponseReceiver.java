package dev.stepconnect.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the pre-signed S3 URL CloudFormation hands out as ResponseURL: records every request
 * and can fail the first ones. URLs carry a realistic, random X-Amz-Signature so tests can prove it
 * never reaches a log line.
 */
public final class ResponseReceiver implements AutoCloseable {
    /** One request as received; {@code contentType} is null when the header was absent. */
    public record Received(String method, String path, String query, String contentType, String body, int status) {
        public JsonObject json() {
            return Json.parseObject(body);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private final String signature;

    public ResponseReceiver() {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        signature = HexFormat.of().formatHex(random);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the response receiver", e);
        }
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 ? failureStatus : 200;
            synchronized (received) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Content-Type"),
                        body, status));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** A ResponseURL shaped like CloudFormation's pre-signed S3 URL, pointing here. */
    public URI responseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/cloudformation-custom-resource-response-useast1/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012"
                + "%3Astack/test/" + UUID.randomUUID()
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261125T060000Z&X-Amz-SignedHeaders=host"
                + "&X-Amz-Expires=7200&X-Amz-Credential=AKIAEXAMPLE7TESTING%2F20261125%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Signature=" + signature);
    }

    public String signature() {
        return signature;
    }

    /** The next {@code times} requests are answered with {@code status}. */
    public void failNext(int times, int status) {
        failureStatus = status;
        failuresLeft.set(times);
    }

    /**
     * Asserts that {@code printed} (what the function logged) carries not the ResponseURL's signature, and
     * that neither it nor any answer received carries any of {@code secretValues}.
     */
    public void assertNothingLeaked(String printed, Collection<String> secretValues) {
        assertThat(printed).doesNotContain(signature);
        for (String value : secretValues) {
            assertThat(printed).as("log lines").doesNotContain(value);
            for (Received answer : all()) {
                assertThat(answer.body()).as("PUT bodies").doesNotContain(value);
            }
        }
    }

    public List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Received> accepted() {
        return all().stream().filter(r -> r.status() / 100 == 2).toList();
    }

    public void clear() {
        synchronized (received) {
            received.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
