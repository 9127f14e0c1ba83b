package dev.stepconnect.probe;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Proves the credential with one HTTPS GET from the function, applying it as EventBridge would: the
 * API key header, Basic authentication, or an OAuth client-credentials token then a Bearer header.
 * Cheaper than TestState but does not exercise the connection itself.
 */
public final class DirectProbe implements CredentialProbe {
    private static final int MAX_BODY = 64 * 1024;
    private final Duration requestTimeout;

    public DirectProbe(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** The credential is applied by this function, not the connection: one call proves it for all connections. */
    @Override
    public boolean throughConnection() {
        return false;
    }

    @Override
    public ProbeResult probe(URI endpoint, ConnectionDescription connection, Credential credential, Deadline deadline) {
        try {
            String authorization;
            String headerName = "Authorization";
            if (credential instanceof Credential.ApiKey key) {
                headerName = key.apiKeyName();
                authorization = key.apiKeyValue();
            } else if (credential instanceof Credential.Basic basic) {
                authorization = "Basic " + base64(basic.username() + ":" + basic.password());
            } else {
                Credential.OAuthClientCredentials oauth = (Credential.OAuthClientCredentials) credential;
                TokenAnswer token = requestToken(oauth, deadline);
                if (token.result() != null) {
                    return token.result();
                }
                authorization = "Bearer " + token.accessToken();
            }
            HttpURLConnection get = open(endpoint, "GET", deadline);
            get.setRequestProperty(headerName, authorization);
            int status = get.getResponseCode();
            drain(get);
            return ProbeResult.fromHttpStatus(status);
        } catch (IOException e) {
            return ProbeResult.transientFailure("test endpoint unreachable: " + e.getClass().getSimpleName());
        }
    }

    private record TokenAnswer(String accessToken, ProbeResult result) {
    }

    private TokenAnswer requestToken(Credential.OAuthClientCredentials oauth, Deadline deadline) throws IOException {
        String form = "grant_type=client_credentials";
        URI tokenUri = URI.create(oauth.authorizationEndpoint());
        if (oauth.httpMethod().equals("GET")) {
            tokenUri = URI.create(oauth.authorizationEndpoint() + (tokenUri.getRawQuery() == null ? "?" : "&") + form);
        }
        HttpURLConnection request = open(tokenUri, oauth.httpMethod(), deadline);
        request.setRequestProperty("Authorization", "Basic " + base64(urlEncode(oauth.clientId()) + ":"
                + urlEncode(oauth.clientSecret())));
        request.setRequestProperty("Accept", "application/json");
        if (!oauth.httpMethod().equals("GET")) {
            request.setDoOutput(true);
            request.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            try (OutputStream out = request.getOutputStream()) {
                out.write(form.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = request.getResponseCode();
        if (status / 100 != 2) {
            drain(request);
            ProbeResult byStatus = status == 400 ? ProbeResult.rejected("authorization endpoint answered 400")
                    : ProbeResult.fromHttpStatus(status);
            return new TokenAnswer(null, new ProbeResult(byStatus.outcome(), "OAuth token request: " + byStatus.detail()));
        }
        String body;
        try (InputStream in = request.getInputStream()) {
            body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        }
        try {
            String accessToken = Json.parseObject(body).string("access_token").orElse("");
            if (accessToken.isBlank()) {
                return new TokenAnswer(null, ProbeResult.rejected("OAuth token response has no access_token"));
            }
            Redaction.register(accessToken);
            return new TokenAnswer(accessToken, null);
        } catch (JsonException e) {
            return new TokenAnswer(null, ProbeResult.rejected("OAuth token response is not JSON"));
        }
    }

    private HttpURLConnection open(URI uri, String method, Deadline deadline) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        int timeout = (int) Math.max(1, Math.min(requestTimeout.toMillis(), deadline.remaining().toMillis()));
        connection.setConnectTimeout(timeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        return connection;
    }

    private static void drain(HttpURLConnection connection) {
        try (InputStream in = connection.getErrorStream() != null ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.readNBytes(MAX_BODY);
            }
        } catch (IOException ignored) {
            // the status is all we need
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String urlEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
