package dev.stepconnect.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.stepconnect.aws.AwsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch at the HTTP level: the Java SDK speaks Smithy RPC v2 CBOR to it, which moto does not
 * serve. Answers PutMetricAlarm with an empty CBOR structure and decodes what the SDK sent.
 */
public final class CloudWatchCborStub implements AutoCloseable {
    public static final String PUT_METRIC_ALARM = "/service/GraniteServiceVersion20100801/operation/PutMetricAlarm";
    private static final CBORMapper CBOR = new CBORMapper();
    private final WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());

    public CloudWatchCborStub() {
        server.start();
        succeed();
    }

    public void succeed() {
        server.resetMappings();
        server.stubFor(post(urlEqualTo(PUT_METRIC_ALARM)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/cbor").withHeader("smithy-protocol", "rpc-v2-cbor")
                .withBody(cbor(Map.of()))));
    }

    /** Every PutMetricAlarm answers a throttling error. */
    public void throttle() {
        server.resetMappings();
        server.stubFor(post(urlEqualTo(PUT_METRIC_ALARM)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/cbor").withHeader("smithy-protocol", "rpc-v2-cbor")
                .withBody(cbor(Map.of("__type", "Throttling", "message", "Rate exceeded")))));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public AwsClients clients() {
        return new AwsClients(AwsEmulator.REGION, AwsEmulator.credentials(), endpoint(),
                AwsClients.ClientTimeouts.defaults());
    }

    /** Decoded PutMetricAlarm requests, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> putMetricAlarmRequests() {
        return server.findAll(postRequestedFor(urlEqualTo(PUT_METRIC_ALARM))).stream().map(request -> {
            try {
                return (Map<String, Object>) CBOR.readValue(request.getBody(), Map.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private static byte[] cbor(Object value) {
        try {
            return CBOR.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
