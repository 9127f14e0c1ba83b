package dev.stepconnect.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.stepconnect.aws.AwsClients;
import java.net.URI;
import java.util.List;

/**
 * HTTP-level stand-in for AWS JSON-protocol operations the emulator lacks (RedriveExecution,
 * TestState). Routes on {@code X-Amz-Target} and answers with AWS-shaped bodies, so the real SDK
 * client parses them exactly as it would AWS's: a {@code __type} error body maps to the modeled
 * exception, throttling is retried by the SDK's own retry strategy.
 * Everything not stubbed can be proxied to the emulator with {@link #proxyUnmatchedTo}.
 */
public final class AwsJsonStub implements AutoCloseable {
    public static final String JSON_1_0 = "application/x-amz-json-1.0";
    private final WireMockServer server;
    private final String targetPrefix;

    /** @param targetPrefix the service's X-Amz-Target prefix, e.g. {@code AWSStepFunctions} */
    public AwsJsonStub(String targetPrefix) {
        this.targetPrefix = targetPrefix;
        this.server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new EchoingError()));
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Clients aimed at this stub (host-prefix injection off, like any custom endpoint). */
    public AwsClients clients() {
        return new AwsClients(AwsEmulator.REGION, AwsEmulator.credentials(), endpoint(),
                AwsClients.ClientTimeouts.defaults());
    }

    public WireMockServer server() {
        return server;
    }

    /** Answers {@code operation} with HTTP 200 and the given JSON body. */
    public AwsJsonStub succeed(String operation, String jsonBody) {
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withHeader("X-Amz-Target", equalTo(target(operation)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON_1_0).withBody(jsonBody)));
        return this;
    }

    /** Answers {@code operation} with an AWS error: {@code {"__type": errorCode, "message": ...}}. */
    public AwsJsonStub fail(String operation, int status, String errorCode, String message) {
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withHeader("X-Amz-Target", equalTo(target(operation)))
                .willReturn(errorResponse(status, errorCode, message)));
        return this;
    }

    /**
     * The first {@code times} calls of {@code operation} fail with {@code status}/{@code errorCode}
     * (e.g. 400 ThrottlingException, 500 InternalFailure), later calls answer {@code jsonBody}.
     */
    public AwsJsonStub failThenSucceed(String operation, int times, int status, String errorCode, String jsonBody) {
        String scenario = operation + "-flaky";
        for (int i = 0; i < times; i++) {
            String state = i == 0 ? Scenario.STARTED : "failure-" + i;
            server.stubFor(post(urlEqualTo("/")).atPriority(1)
                    .withHeader("X-Amz-Target", equalTo(target(operation)))
                    .inScenario(scenario).whenScenarioStateIs(state).willSetStateTo("failure-" + (i + 1))
                    .willReturn(errorResponse(status, errorCode, "injected fault " + (i + 1))));
        }
        server.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo(target(operation)))
                .inScenario(scenario).whenScenarioStateIs("failure-" + times)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON_1_0).withBody(jsonBody)));
        return this;
    }

    /**
     * Answers {@code operation} with an AWS error whose message quotes the request the way AWS
     * validation errors do, and worse: every string value of the request body in a "Value '...' failed to
     * satisfy constraint" sentence, then the whole request body. Proves that nothing copies AWS error
     * text of a request that carried a credential.
     */
    public AwsJsonStub failEchoingTheRequest(String operation, int status, String errorCode) {
        server.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo(target(operation)))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", JSON_1_0)
                        .withHeader("x-amzn-ErrorType", errorCode).withTransformers(EchoingError.NAME)
                        .withTransformerParameter("errorCode", errorCode)));
        return this;
    }

    /** The marker every echoing error message starts with. */
    public static final String ECHO_MARKER = "ECHOED-REQUEST";

    private static final class EchoingError implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        static final String NAME = "echoing-error";

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent serveEvent) {
            String body = serveEvent.getRequest().getBodyAsString();
            StringBuilder message = new StringBuilder(ECHO_MARKER + ": ");
            try {
                collectStrings(dev.stepconnect.json.Json.parseObject(body).asMap(), "", message);
            } catch (RuntimeException notJson) {
                // the whole body below is echo enough
            }
            message.append(" Request: ").append(body);
            var original = serveEvent.getResponseDefinition();
            String code = String.valueOf(original.getTransformerParameters().getString("errorCode"));
            String json = dev.stepconnect.json.Json.write(java.util.Map.of("__type", code, "message", message.toString()));
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(original).but()
                    .withBody(json).build();
        }

        @SuppressWarnings("unchecked")
        private static void collectStrings(Object value, String path, StringBuilder out) {
            if (value instanceof java.util.Map<?, ?> map) {
                map.forEach((k, v) -> collectStrings(v, path + "." + k, out));
            } else if (value instanceof List<?> list) {
                for (Object item : list) {
                    collectStrings(item, path + "[]", out);
                }
            } else if (value != null) {
                out.append("Value '").append(value).append("' at '").append(path)
                        .append("' failed to satisfy constraint; ");
            }
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }

    /** Drops the connection on {@code operation} (a network fault the SDK sees as an IOException). */
    public AwsJsonStub resetConnection(String operation) {
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withHeader("X-Amz-Target", equalTo(target(operation)))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        return this;
    }

    /** Forwards every request no stub matches to {@code upstream} (the emulator). */
    public AwsJsonStub proxyUnmatchedTo(URI upstream) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).atPriority(10)
                .willReturn(aResponse().proxiedFrom(upstream.toString())));
        return this;
    }

    public List<LoggedRequest> requests(String operation) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(target(operation))));
    }

    public void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }

    private String target(String operation) {
        return targetPrefix + "." + operation;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder errorResponse(
            int status, String errorCode, String message) {
        String body = "{\"__type\":\"" + errorCode + "\",\"message\":\"" + message.replace("\"", "'") + "\"}";
        return aResponse().withStatus(status).withHeader("Content-Type", JSON_1_0)
                .withHeader("x-amzn-ErrorType", errorCode).withBody(body);
    }
}
