package dev.stepconnect.guardian;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.stepconnect.json.Json;
import dev.stepconnect.testing.AwsEmulator;
import dev.stepconnect.testing.AwsJsonStub;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * What the emulator cannot do: EventBridge deauthorizing an API_KEY connection. DescribeConnection of the
 * connection is answered at the HTTP level (AWS-shaped JSON, the connection's current Description) on a
 * recording front that proxies everything else to the emulator.
 */
public final class DeauthorizedConnection {
    private final AwsJsonStub front;
    private final EventBridgeClient events;
    private final String apiKeyName;

    /** @param events a client straight to the emulator (reads the real connection) */
    public DeauthorizedConnection(AwsJsonStub front, EventBridgeClient events, String apiKeyName) {
        this.front = front;
        this.events = events;
        this.apiKeyName = apiKeyName;
    }

    /** DescribeConnection answers DEAUTHORIZED until an UpdateConnection of the connection goes through. */
    public void untilUpdated(String connection) {
        String body = body(connection);
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .withRequestBody(containing("\"" + connection + "\""))
                .inScenario(connection).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(body)));
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.UpdateConnection"))
                .withRequestBody(containing("\"" + connection + "\""))
                .inScenario(connection).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("updated")
                .willReturn(aResponse().proxiedFrom(AwsEmulator.endpoint().toString())));
    }

    /** EventBridge deauthorizes the connection again (the answer carries its marker as it is now). */
    public void again(String connection) {
        // Newer stubs win over older ones of the same priority.
        untilUpdated(connection);
        front.server().setScenarioState(connection, Scenario.STARTED);
    }

    /** DescribeConnection answers DEAUTHORIZED whatever is written: the partner refuses the credential at once. */
    public void always(String connection) {
        front.server().stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("AWSEvents.DescribeConnection"))
                .withRequestBody(containing("\"" + connection + "\""))
                .willReturn(json(body(connection))));
    }

    private String body(String connection) {
        var real = events.describeConnection(r -> r.name(connection));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", connection);
        body.put("ConnectionArn", real.connectionArn());
        body.put("ConnectionState", "DEAUTHORIZED");
        body.put("StateReason", "Received 401 from the endpoint");
        body.put("AuthorizationType", "API_KEY");
        body.put("Description", real.description());
        body.put("SecretArn", real.secretArn());
        body.put("AuthParameters", Map.of("ApiKeyAuthParameters", Map.of("ApiKeyName", apiKeyName)));
        return Json.write(body);
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", AwsJsonStub.JSON_1_0).withBody(body);
    }
}
