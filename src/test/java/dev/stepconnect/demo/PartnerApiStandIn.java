package dev.stepconnect.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a third-party API on loopback: {@code GET /whoami} answers 200 to an API key it has
 * issued (header {@code x-api-key}) and 401 to anything else, like a partner would.
 */
public final class PartnerApiStandIn implements AutoCloseable {
    public static final String KEY_HEADER = "x-api-key";
    private final HttpServer server;
    private final Set<String> issuedKeys = ConcurrentHashMap.newKeySet();
    private final List<Integer> answers = new CopyOnWriteArrayList<>();

    public PartnerApiStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/whoami", this::whoAmI);
        server.start();
    }

    /** The partner issues a key (what a vendor portal or API does before you stage it). */
    public void issue(String apiKey) {
        issuedKeys.add(apiKey);
    }

    /** The partner revokes a key. */
    public void revoke(String apiKey) {
        issuedKeys.remove(apiKey);
    }

    public URI whoAmIUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/whoami");
    }

    /** Status codes answered so far, in order. */
    public List<Integer> answers() {
        return List.copyOf(answers);
    }

    private void whoAmI(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestHeaders().getFirst(KEY_HEADER);
        boolean known = key != null && issuedKeys.contains(key);
        int status = known ? 200 : 401;
        answers.add(status);
        byte[] body = (known ? "{\"client\":\"stepconnect\"}" : "{\"message\":\"invalid api key\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
