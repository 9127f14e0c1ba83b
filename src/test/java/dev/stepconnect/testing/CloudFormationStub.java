package dev.stepconnect.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * HTTP-level stand-in for CloudFormation's DescribeStacks and DescribeStackResource, which the
 * emulator cannot put in the states these tests need (UPDATE_IN_PROGRESS, cleanup, rollback). It speaks
 * the AWS Query protocol as CloudFormation does: a form-encoded POST with {@code Action=...}, answered
 * with XML, errors as {@code <ErrorResponse><Error><Code>} (a stack or resource it does not know is a
 * 400 {@code ValidationError}, as on AWS). Route the SDK's CloudFormation client here with
 * {@code AwsClients.withEndpoint("CLOUDFORMATION", stub.endpoint())}.
 */
public final class CloudFormationStub implements AutoCloseable {
    private static final String NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
    private final WireMockServer server;
    private final Map<String, String> stackStatuses = new ConcurrentHashMap<>();

    public CloudFormationStub() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        // Anything not stubbed: CloudFormation's answer for an unknown stack or resource.
        server.stubFor(post(urlEqualTo("/")).atPriority(10)
                .willReturn(error(400, "ValidationError", "Stack with id does not exist")));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** DescribeStacks for {@code stackId} answers that stack in {@code status} (the latest call wins). */
    public CloudFormationStub stack(String stackId, String status) {
        stackStatuses.put(stackId, status);
        String name = stackId.contains("/") ? stackId.split("/")[1] : stackId;
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withRequestBody(matching(form("Action", "DescribeStacks")))
                .withRequestBody(matching(form("StackName", stackId)))
                .willReturn(ok("DescribeStacks", "<Stacks><member><StackName>" + xml(name) + "</StackName><StackId>"
                        + xml(stackId) + "</StackId><CreationTime>2026-11-25T06:00:00.000Z</CreationTime><StackStatus>"
                        + status + "</StackStatus></member></Stacks>")));
        return this;
    }

    /**
     * DescribeStackResource for {@code stackId}/{@code logicalId} answers a resource of {@code type} whose
     * current PhysicalResourceId is {@code physicalId} (null: none yet), with the ResourceStatus of the
     * resource CloudFormation is working on in the stack's latest {@link #stack} status.
     */
    public CloudFormationStub resource(String stackId, String logicalId, String type, String physicalId) {
        return resource(stackId, logicalId, type, physicalId, workingOn(stackStatuses.get(stackId)));
    }

    /**
     * The status CloudFormation gives the resource it is sending a request for, in the stack's latest
     * {@link #stack} status: CREATE/UPDATE/DELETE_IN_PROGRESS (a stack at rest: UPDATE_COMPLETE).
     */
    private static String workingOn(String stackStatus) {
        if (stackStatus == null) {
            return "UPDATE_COMPLETE";
        }
        return switch (stackStatus) {
            case "CREATE_IN_PROGRESS" -> "CREATE_IN_PROGRESS";
            case "UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS" -> "UPDATE_IN_PROGRESS";
            case "DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
                 "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS" -> "DELETE_IN_PROGRESS";
            default -> "UPDATE_COMPLETE";
        };
    }

    /** As above, with the resource's own {@code ResourceStatus} (e.g. UPDATE_COMPLETE: not being updated now). */
    public CloudFormationStub resource(String stackId, String logicalId, String type, String physicalId,
                                       String resourceStatus) {
        String name = stackId.contains("/") ? stackId.split("/")[1] : stackId;
        server.stubFor(post(urlEqualTo("/")).atPriority(5)
                .withRequestBody(matching(form("Action", "DescribeStackResource")))
                .withRequestBody(matching(form("StackName", stackId)))
                .withRequestBody(matching(form("LogicalResourceId", logicalId)))
                .willReturn(ok("DescribeStackResource", "<StackResourceDetail><StackName>" + xml(name)
                        + "</StackName><StackId>" + xml(stackId) + "</StackId><LogicalResourceId>" + xml(logicalId)
                        + "</LogicalResourceId>" + (physicalId == null ? "" : "<PhysicalResourceId>" + xml(physicalId)
                        + "</PhysicalResourceId>") + "<ResourceType>" + xml(type) + "</ResourceType>"
                        + "<LastUpdatedTimestamp>2026-11-25T06:00:00.000Z</LastUpdatedTimestamp>"
                        + "<ResourceStatus>" + resourceStatus + "</ResourceStatus></StackResourceDetail>")));
        return this;
    }

    /** Every call of {@code action} fails with an AWS Query error (e.g. 400 Throttling, 403 AccessDenied). */
    public CloudFormationStub fail(String action, int status, String code, String message) {
        server.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withRequestBody(matching(form("Action", action)))
                .willReturn(error(status, code, message)));
        return this;
    }

    public List<LoggedRequest> requests(String action) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(matching(form("Action", action))));
    }

    public void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** A regex matching {@code key=value} as one field of a form-encoded body. */
    private static String form(String key, String value) {
        return "(?s)(.*&)?" + Pattern.quote(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)) + "(&.*)?";
    }

    private static ResponseDefinitionBuilder ok(String action, String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody("<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>" + result + "</" + action
                        + "Result><ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></"
                        + action + "Response>");
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                        + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
