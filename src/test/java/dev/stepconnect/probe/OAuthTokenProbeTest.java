package dev.stepconnect.probe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.HttpParameters;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.probe.ProbeResult.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token request against a WireMock identity provider: verdicts, and nothing of the answer leaks. */
class OAuthTokenProbeTest {
    private WireMockServer idp;
    private final OAuthTokenProbe probe = new OAuthTokenProbe(Duration.ofSeconds(2));

    @BeforeEach
    void start() {
        idp = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.stop();
    }

    private Credential.OAuthClientCredentials client(String method) {
        return new Credential.OAuthClientCredentials("client-a", "s3cr3t/+=", "http://127.0.0.1:" + idp.port() + "/token", method);
    }

    private ProbeResult prove(String method, HttpParameters parameters) {
        return probe.prove(client(method), parameters, Deadline.in(Duration.ofSeconds(10), Clock.systemUTC()));
    }

    private void answer(int status, String body) {
        idp.stubFor(any(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(status).withBody(body)));
    }

    @Test
    void aTokenProvesTheSecret() {
        answer(200, "{\"access_token\":\"tok-123456\",\"token_type\":\"Bearer\"}");
        ProbeResult result = prove("POST", HttpParameters.NONE);
        assertThat(result.outcome()).isEqualTo(Outcome.PASSED);
        assertThat(result.detail()).doesNotContain("tok-123456");
        var request = idp.getAllServeEvents().get(0).getRequest();
        // RFC 6749 §2.3.1: both parts form-encoded before Basic.
        assertThat(request.getHeader("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("client-a:s3cr3t%2F%2B%3D".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(request.getBodyAsString()).isEqualTo("grant_type=client_credentials");
    }

    @Test
    void getSendsTheGrantAndParametersInTheQuery() {
        answer(200, "{\"access_token\":\"tok-2\"}");
        HttpParameters parameters = new HttpParameters(List.of(), List.of(new HttpParameters.Parameter("audience", "api", false)),
                List.of(new HttpParameters.Parameter("scope", "a b", false)));
        assertThat(prove("GET", parameters).outcome()).isEqualTo(Outcome.PASSED);
        idp.verify(getRequestedFor(urlPathEqualTo("/token")).withQueryParam("grant_type",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("client_credentials"))
                .withQueryParam("scope", com.github.tomakehurst.wiremock.client.WireMock.equalTo("a b"))
                .withQueryParam("audience", com.github.tomakehurst.wiremock.client.WireMock.equalTo("api")));
    }

    @Test
    void verdicts() {
        answer(400, "{\"error\":\"invalid_client\",\"error_description\":\"secret s3cr3t is wrong\"}");
        ProbeResult refused = prove("POST", HttpParameters.NONE);
        assertThat(refused.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(refused.detail()).contains("invalid_client").doesNotContain("s3cr3t").doesNotContain("is wrong");
        answer(401, "");
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.REJECTED);
        answer(403, "");
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.REJECTED);
        answer(503, "");
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.TRANSIENT);
        answer(429, "");
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.TRANSIENT);
        answer(200, "{\"token_type\":\"Bearer\"}");
        assertThat(prove("POST", HttpParameters.NONE).outcome()).as("no token, nothing proven").isEqualTo(Outcome.REJECTED);
        answer(400, "{\"error\":\"invalid_scope\"}");
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.REJECTED);
    }

    @Test
    void parametersThatCannotBeReadBackMakeAnotherRefusalAConfigurationProblem() {
        answer(400, "{\"error\":\"invalid_request\"}");
        HttpParameters withSecret = new HttpParameters(List.of(new HttpParameters.Parameter("X-Tenant-Key", "", true)),
                List.of(), List.of());
        ProbeResult result = prove("POST", withSecret);
        assertThat(result.outcome()).isEqualTo(Outcome.MISCONFIGURED);
        assertThat(result.detail()).contains("IsValueSecret");
        assertThat(idp.getAllServeEvents().get(0).getRequest().containsHeader("X-Tenant-Key")).isFalse();
        answer(401, "");
        assertThat(prove("POST", withSecret).outcome()).as("a 401 is a refusal all the same").isEqualTo(Outcome.REJECTED);
    }

    @Test
    void aSlowEndpointIsTransient() {
        idp.stubFor(any(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withBody("{\"access_token\":\"late\"}").withFixedDelay(5_000)));
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.TRANSIENT);
    }

    @Test
    void anEndpointThatTricklesItsAnswerCannotHoldTheProbePastItsTimeout() {
        // Each chunk arrives well within the 2 s read timeout, the whole answer only after 8 s: only a bound on
        // the whole exchange stops it (else a slow identity provider outlives the invocation and no rollback runs).
        idp.stubFor(any(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withBody("{\"access_token\":\"trickled-token-value-0123456789\"}").withChunkedDribbleDelay(20, 8_000)));
        ProbeResult result = prove("POST", HttpParameters.NONE);
        assertThat(result.outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(result.detail()).doesNotContain("trickled");
    }

    @Test
    void aTokenAnswerCutShortIsNoVerdict() {
        idp.stubFor(any(urlPathEqualTo("/token")).willReturn(aResponse().withFault(
                com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK)));
        assertThat(prove("POST", HttpParameters.NONE).outcome()).isEqualTo(Outcome.TRANSIENT);
    }
}
