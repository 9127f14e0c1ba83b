package dev.stepconnect.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.util.List;
import java.util.UUID;

/**
 * HTTP-level stand-in for Lambda's Invoke (REST-JSON, {@code POST /2015-03-31/functions/{name}/invocations}):
 * accepts asynchronous invocations ({@code X-Amz-Invocation-Type: Event}) with 202 as Lambda does and
 * records them, so a test can drive the handler with the event that would have been queued. Route the
 * SDK's Lambda client here with {@code AwsClients.withEndpoint("LAMBDA", stub.endpoint())}.
 */
public final class LambdaInvokeStub implements AutoCloseable {
    private static final String INVOKE = "/2015-03-31/functions/[^/]+/invocations";
    private final WireMockServer server;

    public LambdaInvokeStub() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        accept();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Queues every invocation (202, empty body), as Lambda does for InvocationType Event. */
    public LambdaInvokeStub accept() {
        server.stubFor(post(urlPathMatching(INVOKE)).willReturn(aResponse().withStatus(202)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())));
        return this;
    }

    /** Refuses every invocation with a Lambda error, e.g. 403 AccessDeniedException. */
    public LambdaInvokeStub fail(int status, String errorType) {
        server.stubFor(post(urlPathMatching(INVOKE)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", errorType)
                .withBody("{\"Type\":\"User\",\"message\":\"injected " + errorType + "\"}")));
        return this;
    }

    /** Every invocation received, oldest first. */
    public List<LoggedRequest> invocations() {
        return server.findAll(postRequestedFor(urlPathMatching(INVOKE)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
