package dev.stepconnect.testing;

import dev.stepconnect.json.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code Custom::EventBridgeConnection} requests as CloudFormation sends them to the connection provider,
 * for tests that drive the real handler. Maps are insertion-ordered and mutable, so a test can add or
 * override a property.
 */
public final class ConnectionRequests {
    public static final String ACCOUNT = "123456789012";
    public static final String SERVICE_TOKEN =
            "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:stepconnect-ConnectionProvider:live";
    public static final String RESOURCE_TYPE = "Custom::EventBridgeConnection";

    private ConnectionRequests() {
    }

    /** A fresh stack id in the test account, its name starting with {@code name}. */
    public static String stackId(String name) {
        return "arn:aws:cloudformation:us-east-1:" + ACCOUNT + ":stack/" + name + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "/" + UUID.randomUUID();
    }

    /** The resource's properties: ServiceToken, Name, AuthorizationType and CredentialsSecretArn. */
    public static Map<String, Object> properties(String name, String authorizationType, String secretArn) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("ServiceToken", SERVICE_TOKEN);
        properties.put("Name", name);
        properties.put("AuthorizationType", authorizationType);
        properties.put("CredentialsSecretArn", secretArn);
        return properties;
    }

    /**
     * The request JSON with a fresh RequestId. {@code physicalId} and {@code old} (OldResourceProperties)
     * are left out when null.
     */
    public static String request(String type, URI responseUrl, String stackId, String logicalId, String physicalId,
                                 Map<String, Object> properties, Map<String, Object> old) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", type);
        event.put("ServiceToken", SERVICE_TOKEN);
        event.put("ResponseURL", responseUrl.toString());
        event.put("StackId", stackId);
        event.put("RequestId", UUID.randomUUID().toString());
        event.put("LogicalResourceId", logicalId);
        event.put("ResourceType", RESOURCE_TYPE);
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceProperties", properties);
        if (old != null) {
            event.put("OldResourceProperties", old);
        }
        return Json.write(event);
    }
}
