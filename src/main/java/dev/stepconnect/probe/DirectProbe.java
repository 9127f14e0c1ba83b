package dev.stepconnect.probe;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.lambda.Deadline;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Proves the credential with one HTTPS GET from the function, applying it as EventBridge would: the
 * API key header, Basic authentication, or an OAuth client-credentials token ({@link OAuthTokenProbe})
 * then a Bearer header. Cheaper than TestState but does not exercise the connection itself.
 */
public final class DirectProbe implements CredentialProbe {
    private final Duration requestTimeout;
    private final OAuthTokenProbe tokens;

    public DirectProbe(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        this.tokens = new OAuthTokenProbe(requestTimeout);
    }

    /** The credential is applied by this function, not the connection: one call proves it for all connections. */
    @Override
    public boolean throughConnection() {
        return false;
    }

    @Override
    public ProbeResult probe(URI endpoint, ConnectionDescription connection, Credential credential, Deadline deadline) {
        String headerName = "Authorization";
        String authorization;
        if (credential instanceof Credential.ApiKey key) {
            headerName = key.apiKeyName();
            authorization = key.apiKeyValue();
        } else if (credential instanceof Credential.Basic basic) {
            authorization = "Basic " + HttpCalls.base64(basic.username() + ":" + basic.password());
        } else {
            OAuthTokenProbe.Token token = tokens.request((Credential.OAuthClientCredentials) credential,
                    connection.oauthHttpParameters(), deadline);
            if (token.accessToken() == null) {
                return token.result();
            }
            authorization = "Bearer " + token.accessToken();
        }
        String name = headerName;
        String value = authorization;
        try {
            // Only the status is the verdict: the body is never read (nor logged).
            int status = HttpCalls.exchange(endpoint, "GET", requestTimeout, deadline, (get, untilNanos) -> {
                get.setRequestProperty(name, value);
                return get.getResponseCode();
            });
            return ProbeResult.fromHttpStatus(status);
        } catch (IOException e) {
            return ProbeResult.transientFailure("test endpoint unreachable or too slow: " + e.getClass().getSimpleName());
        }
    }
}
