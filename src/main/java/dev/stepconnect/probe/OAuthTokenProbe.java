package dev.stepconnect.probe;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.HttpParameters;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonException;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Redaction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Proves an OAuth client id/secret by asking the authorization endpoint for a token with it (client
 * credentials grant, RFC 6749 §4.4), the way an EventBridge connection does: the secret's {@code httpMethod},
 * the client credentials as HTTP Basic (RFC 6749 §2.3.1, which EventBridge's docs do not contradict), and the
 * connection's OAuth HTTP parameters (headers, query strings, body fields) as DescribeConnection returns them.
 *
 * <p>Why: EventBridge re-authorizes an OAuth connection when the authorization method and parameters change;
 * an update of the client secret alone may leave the connection on a token minted with the old secret, so
 * a probe through the connection would not prove the new one. A token issued for the pending secret does.
 *
 * <p>Verdicts: a 2xx with an {@code access_token} passes; 400 {@code invalid_client}/{@code unauthorized_client},
 * 401, 403 are a refusal; 408, 429, 5xx and network failures/timeouts are transient. Parameters marked
 * {@code IsValueSecret} cannot be read back and are not sent: another 4xx is then a configuration problem
 * (no verdict), else a refusal. Neither the secret, the token nor the endpoint's response body is ever
 * logged or returned; only the standard OAuth {@code error} code is reported.
 *
 * @see <a href="https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html">EventBridge connection authorization</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4</a>
 */
public final class OAuthTokenProbe {
    private static final Set<String> CLIENT_REFUSED = Set.of("invalid_client", "unauthorized_client");
    private final Duration requestTimeout;

    public OAuthTokenProbe(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** A token request's verdict, and the token when it passed (registered for redaction). */
    record Token(ProbeResult result, String accessToken) {
        @Override
        public String toString() {
            return "Token[result=" + result + "]";
        }
    }

    /**
     * Requests a token with {@code credential} and {@code oauthHttpParameters} (the connection's; may be
     * {@link HttpParameters#NONE}), within {@code deadline} and this probe's request timeout.
     */
    public ProbeResult prove(Credential.OAuthClientCredentials credential, HttpParameters oauthHttpParameters,
                             Deadline deadline) {
        return request(credential, oauthHttpParameters, deadline).result();
    }

    Token request(Credential.OAuthClientCredentials credential, HttpParameters parameters, Deadline deadline) {
        boolean skippedSecret = parameters.headers().stream().anyMatch(HttpParameters.Parameter::secret)
                || parameters.queryStrings().stream().anyMatch(HttpParameters.Parameter::secret)
                || parameters.bodies().stream().anyMatch(HttpParameters.Parameter::secret);
        List<String> form = new ArrayList<>();
        if (parameters.bodies().stream().noneMatch(p -> p.key().equals("grant_type"))) {
            form.add("grant_type=client_credentials");
        }
        sendable(parameters.bodies()).forEach(p -> form.add(urlEncode(p.key()) + "=" + urlEncode(p.value())));
        List<String> query = new ArrayList<>();
        sendable(parameters.queryStrings()).forEach(p -> query.add(urlEncode(p.key()) + "=" + urlEncode(p.value())));
        boolean get = credential.httpMethod().equals("GET");
        if (get) {
            query.addAll(form);
        }
        String endpoint = credential.authorizationEndpoint();
        URI uri = URI.create(query.isEmpty() ? endpoint
                : endpoint + (URI.create(endpoint).getRawQuery() == null ? "?" : "&") + String.join("&", query));
        try {
            return HttpCalls.exchange(uri, credential.httpMethod(), requestTimeout, deadline, (request, untilNanos) -> {
                for (HttpParameters.Parameter header : sendable(parameters.headers())) {
                    request.setRequestProperty(header.key(), header.value());
                }
                request.setRequestProperty("Authorization", "Basic " + HttpCalls.base64(urlEncode(credential.clientId())
                        + ":" + urlEncode(credential.clientSecret())));
                request.setRequestProperty("Accept", "application/json");
                if (!get) {
                    request.setDoOutput(true);
                    request.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                    try (OutputStream out = request.getOutputStream()) {
                        out.write(String.join("&", form).getBytes(StandardCharsets.UTF_8));
                    }
                }
                int status = request.getResponseCode();
                String body = HttpCalls.body(request, untilNanos);
                return status / 100 == 2 ? token(body) : new Token(refusal(status, body, skippedSecret), null);
            });
        } catch (IOException e) {
            // Also an answer cut short: a token that could not be read to its end proves nothing either way.
            return new Token(ProbeResult.transientFailure("OAuth token request: authorization endpoint unreachable, too"
                    + " slow or its answer was cut short (" + e.getClass().getSimpleName() + ")"), null);
        }
    }

    private static Token token(String body) {
        try {
            String accessToken = Json.parseObject(body).string("access_token").orElse("");
            if (accessToken.isBlank()) {
                return new Token(ProbeResult.rejected("OAuth token request: the answer has no access_token"), null);
            }
            Redaction.register(accessToken);
            return new Token(ProbeResult.passed("the authorization endpoint issued a token for the client secret under test"),
                    accessToken);
        } catch (JsonException e) {
            return new Token(ProbeResult.rejected("OAuth token request: the answer is not JSON"), null);
        }
    }

    private static ProbeResult refusal(int status, String body, boolean skippedSecret) {
        String error = oauthError(body);
        String what = "OAuth token request: authorization endpoint answered " + status
                + (error == null ? "" : " (" + error + ")");
        if (status == 401 || status == 403 || (status == 400 && error != null && CLIENT_REFUSED.contains(error))) {
            return ProbeResult.rejected(what + ": the client secret under test was refused");
        }
        if (status == 408 || status == 429 || status >= 500) {
            return ProbeResult.transientFailure(what);
        }
        if (skippedSecret && status >= 400 && status < 500) {
            return ProbeResult.misconfigured(what + ". The connection has OAuth HTTP parameters marked IsValueSecret,"
                    + " which cannot be read back and were not sent: the token request could not be made as the"
                    + " connection makes it");
        }
        return ProbeResult.rejected(what + ": no token was issued for the client secret under test");
    }

    /** The standard OAuth {@code error} code of an error answer, when it is one (never free text). */
    private static String oauthError(String body) {
        try {
            String error = Json.parseObject(body).string("error").orElse(null);
            return error != null && error.matches("[a-z_]{1,40}") ? error : null;
        } catch (RuntimeException e) { // JsonException, or a non-string "error"
            return null;
        }
    }

    private static List<HttpParameters.Parameter> sendable(List<HttpParameters.Parameter> parameters) {
        return parameters.stream().filter(p -> !p.secret()).toList();
    }

    private static String urlEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
