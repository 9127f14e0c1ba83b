package dev.stepconnect.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.credentials.AuthorizationType;
import dev.stepconnect.eventbridge.HttpParameters;
import dev.stepconnect.eventbridge.PrivateConnectivity;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionPropertiesTest {

    @Test
    void parsesEveryProperty() {
        Map<String, Object> raw = base();
        raw.put("Description", "orders");
        raw.put("KmsKeyIdentifier", "alias/orders");
        raw.put("LinkSecretForRotation", "TRUE");
        raw.put("AuthorizationType", "oauth_client_credentials");
        raw.put("OAuthHttpParameters", Map.of("BodyParameters", List.of(Map.of("Key", "audience", "Value", "api"))));

        ConnectionProperties properties = ConnectionProperties.parse(json(raw));

        assertThat(properties.name()).isEqualTo("orders-partner.v1");
        assertThat(properties.authorizationType()).isEqualTo(AuthorizationType.OAUTH_CLIENT_CREDENTIALS);
        assertThat(properties.description()).isEqualTo("orders");
        assertThat(properties.kmsKeyIdentifier()).isEqualTo("alias/orders");
        assertThat(properties.linkSecretForRotation()).isTrue();
        assertThat(properties.oauthHttpParameters().bodies()).containsExactly(new HttpParameters.Parameter("audience", "api", false));
        assertThat(properties.invocationParameters().isEmpty()).isTrue();
    }

    @Test
    void theBuildersDefaultsAreWhatAbsentOptionalPropertiesParseTo() {
        ConnectionProperties parsed = ConnectionProperties.parse(json(base()));

        assertThat(ConnectionProperties.builder(parsed.name(), parsed.authorizationType(), parsed.credentialsSecretId())
                .build()).isEqualTo(parsed);
        assertThat(parsed.connectivity()).isEqualTo(PrivateConnectivity.NONE);
    }

    @Test
    void acceptsHttpParametersAsNestedObjectsWithStringLeavesOrAsJsonText() {
        Map<String, Object> nested = base();
        nested.put("InvocationHttpParameters", Map.of("HeaderParameters",
                List.of(Map.of("Key", "X-Key", "Value", "v", "IsValueSecret", "true"))));
        Map<String, Object> text = base();
        text.put("InvocationHttpParameters", "{\"HeaderParameters\":[{\"Key\":\"X-Key\",\"Value\":\"v\",\"IsValueSecret\":true}]}");

        HttpParameters fromNested = ConnectionProperties.parse(json(nested)).invocationParameters();
        HttpParameters fromText = ConnectionProperties.parse(json(text)).invocationParameters();

        assertThat(fromNested).isEqualTo(fromText);
        assertThat(fromNested.headers()).containsExactly(new HttpParameters.Parameter("X-Key", "v", true));
    }

    @Test
    void namesTheBadProperty() {
        assertError(Map.of("Name", "x".repeat(65)), "Name must be 1-64 characters");
        assertError(Map.of("Name", "a/b"), "Name must be");
        assertError(Map.of("AuthorizationType", "DIGEST"), "AuthorizationType must be one of");
        assertError(Map.of("CredentialsSecretArn", " "), "CredentialsSecretArn is required");
        assertError(Map.of("Description", "d".repeat(500)), "Description must be at most");
        assertError(Map.of("LinkSecretForRotation", "1"), "LinkSecretForRotation must be \"true\" or \"false\"");
        assertError(Map.of("InvocationHttpParameters", "{not json"), "InvocationHttpParameters is invalid");
        assertError(Map.of("InvocationHttpParameters", List.of()), "InvocationHttpParameters must be an object");
        assertError(Map.of("OAuthHttpParameters", Map.of("HeaderParameters", List.of(Map.of("Key", "a", "Value", "b")))),
                "OAuthHttpParameters applies only to AuthorizationType OAUTH_CLIENT_CREDENTIALS");
        assertError(Map.of("Colour", "blue"), "unknown property 'Colour'");
    }

    private static final String CONFIG = "arn:aws:vpc-lattice:us-east-1:123456789012:resourceconfiguration/rcfg-0123456789abcdef0";

    @Test
    void parsesPrivateConnectivityAsNestedObjectOrJsonText() {
        Map<String, Object> raw = base();
        raw.put("AuthorizationType", "OAUTH_CLIENT_CREDENTIALS");
        raw.put("InvocationConnectivityParameters", Map.of("ResourceParameters", Map.of("ResourceConfigurationArn", CONFIG)));
        raw.put("OAuthConnectivityParameters", "{\"ResourceParameters\":{\"ResourceConfigurationArn\":\"" + CONFIG + "\"}}");

        ConnectionProperties properties = ConnectionProperties.parse(json(raw));

        assertThat(properties.connectivity().invocationResourceConfigurationArn()).isEqualTo(CONFIG);
        assertThat(properties.connectivity().oauthResourceConfigurationArn()).isEqualTo(CONFIG);
        assertThat(ConnectionProperties.parse(json(base())).connectivity()).isEqualTo(PrivateConnectivity.NONE);
    }

    @Test
    void namesWhatIsWrongWithPrivateConnectivity() {
        String invocation = "InvocationConnectivityParameters";
        assertError(Map.of(invocation, "not json"), invocation + " must be an object");
        assertError(Map.of(invocation, List.of(CONFIG)), invocation + " must be an object");
        assertError(Map.of(invocation, Map.of("ResourceConfigurationArn", CONFIG)), invocation + " has an unknown field");
        assertError(Map.of(invocation, Map.of("ResourceParameters", Map.of())),
                invocation + ".ResourceParameters.ResourceConfigurationArn is required");
        assertError(Map.of(invocation, Map.of("ResourceParameters", Map.of("ResourceConfigurationArn",
                        "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0"))),
                invocation + ".ResourceParameters.ResourceConfigurationArn must be a VPC Lattice resource configuration ARN");
        assertError(Map.of("OAuthConnectivityParameters", Map.of("ResourceParameters", Map.of("ResourceConfigurationArn", CONFIG))),
                "OAuthConnectivityParameters applies only to AuthorizationType OAUTH_CLIENT_CREDENTIALS");
    }

    @Test
    void nameOfIsLenientForDeletes() {
        assertThat(ConnectionProperties.nameOf(json(base()))).contains("orders-partner.v1");
        assertThat(ConnectionProperties.nameOf(json(Map.of("Name", "not a name!")))).isEmpty();
        assertThat(ConnectionProperties.nameOf(json(Map.of("Name", List.of())))).isEmpty();
        assertThat(ConnectionProperties.nameOf(json(Map.of()))).isEmpty();
    }

    @Test
    void linkedSecretOfIsLenientForDeletes() {
        Map<String, Object> raw = base();
        raw.put("LinkSecretForRotation", "true");
        raw.put("Name", "not a valid name");
        assertThat(ConnectionProperties.linkedSecretOf(json(raw))).contains("arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf");
        raw.put("LinkSecretForRotation", "maybe");
        assertThat(ConnectionProperties.linkedSecretOf(json(raw))).isEmpty();
        assertThat(ConnectionProperties.linkedSecretOf(json(Map.of()))).isEmpty();
    }

    private static void assertError(Map<String, Object> override, String message) {
        Map<String, Object> raw = base();
        raw.putAll(override);
        assertThatThrownBy(() -> ConnectionProperties.parse(json(raw)))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining(message);
    }

    private static Map<String, Object> base() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:provider:live");
        raw.put("Name", "orders-partner.v1");
        raw.put("AuthorizationType", "API_KEY");
        raw.put("CredentialsSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf");
        return raw;
    }

    private static JsonObject json(Map<String, Object> raw) {
        return Json.parseObject(Json.write(raw));
    }
}
