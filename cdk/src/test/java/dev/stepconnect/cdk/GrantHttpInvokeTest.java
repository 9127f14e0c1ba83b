package dev.stepconnect.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.Connection;
import software.amazon.awscdk.services.events.ConnectionAttributes;
import software.amazon.awscdk.services.events.IConnection;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.secretsmanager.Secret;

class GrantHttpInvokeTest {
    private static final String CONNECTION_ARN = "arn:aws:events:us-east-1:111122223333:connection/partner/0a1b";
    private static final String MANAGED_SECRET_ARN =
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:events!connection/partner/0a1b-XyZ";

    private static IConnection connection(Stack stack) {
        return Connection.fromConnectionAttributes(stack, "Connection", ConnectionAttributes.builder()
                .connectionName("partner").connectionArn(CONNECTION_ARN).connectionSecretArn(MANAGED_SECRET_ARN).build());
    }

    private static Role role(Stack stack) {
        return Role.Builder.create(stack, "Role").assumedBy(new ServicePrincipal("states.amazonaws.com")).build();
    }

    private static Map<String, Object> stateMachineArn(String name) {
        return Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":states:",
                Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"), ":stateMachine:" + name)));
    }

    @Test
    void grantsExactlyTheThreeStatementsOfStepConnectsTemplate() {
        Stack stack = Synth.stack();
        Role role = role(stack);
        StepConnect.grantHttpInvoke(role, connection(stack), "https://api.example.com/v1/orders", HttpMethod.POST,
                "partner-call");

        List<Map<String, Object>> statements = Synth.policyStatements(Template.fromStack(stack));
        assertEquals(List.of(
                Map.of("Action", "states:InvokeHTTPEndpoint",
                        "Effect", "Allow",
                        "Resource", stateMachineArn("partner-call"),
                        "Condition", Map.of(
                                "StringEquals", Map.of("states:HTTPMethod", "POST"),
                                "StringLike", Map.of("states:HTTPEndpoint", "https://api.example.com/v1/orders*"))),
                Map.of("Action", "events:RetrieveConnectionCredentials",
                        "Effect", "Allow",
                        "Resource", CONNECTION_ARN),
                Map.of("Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                        "Effect", "Allow",
                        "Resource", MANAGED_SECRET_ARN)), statements);
    }

    @Test
    void withoutAStateMachineNameTheHttpGrantCoversThisAccountsStateMachinesOnly() {
        Stack stack = Synth.stack();
        Role role = role(stack);
        Secret secret = new Secret(stack, "Credentials");
        EventBridgeConnectionFromSecret partner = new EventBridgeConnectionFromSecret(stack, "Partner",
                EventBridgeConnectionFromSecretProps.builder().connectionName("partner")
                        .authorizationType(AuthorizationType.BASIC).credentialsSecret(secret).build());
        partner.grantHttpInvoke(role, "https://api.example.com/", HttpMethod.GET);
        StepConnect.grantHttpInvoke(role, partner.getConnection(), "https://api.example.com/v2/", HttpMethod.DELETE);

        List<Map<String, Object>> statements = Synth.policyStatements(Template.fromStack(stack));
        Map<String, Object> invoke = statements.get(0);
        assertEquals(stateMachineArn("*"), invoke.get("Resource"));
        assertEquals(Map.of("StringEquals", Map.of("states:HTTPMethod", "GET"),
                "StringLike", Map.of("states:HTTPEndpoint", "https://api.example.com/*")), invoke.get("Condition"));
        Map<String, Object> second = statements.get(3);
        assertEquals(stateMachineArn("*"), second.get("Resource"));
        assertEquals(Map.of("StringEquals", Map.of("states:HTTPMethod", "DELETE"),
                "StringLike", Map.of("states:HTTPEndpoint", "https://api.example.com/v2/*")), second.get("Condition"));
    }

    @Test
    void rejectsPlainHttpAndMalformedEndpoints() {
        Stack stack = Synth.stack();
        Role role = role(stack);
        IConnection connection = connection(stack);
        StepConnectValidationException http = assertThrows(StepConnectValidationException.class, () ->
                StepConnect.grantHttpInvoke(role, connection, "http://api.example.com/v1", HttpMethod.POST, "sm"));
        assertEquals("Test/Role: grantHttpInvoke endpoint 'http://api.example.com/v1' uses plain http: Step Functions "
                + "HTTP Tasks call https:// endpoints only", http.getMessage());
        for (String bad : new String[] {"HTTP://api.example.com", "api.example.com", "https://", "https://api.example.com/*",
                "https://api example.com", "", "ftp://x"}) {
            assertThrows(StepConnectValidationException.class,
                    () -> StepConnect.grantHttpInvoke(role, connection, bad, HttpMethod.POST, "sm"), bad);
        }
        assertThrows(StepConnectValidationException.class,
                () -> StepConnect.grantHttpInvoke(role, connection, null, HttpMethod.POST, "sm"));
        assertThrows(StepConnectValidationException.class,
                () -> StepConnect.grantHttpInvoke(role, connection, "https://api.example.com", null, "sm"));
        assertEquals(0, Synth.policyStatements(Template.fromStack(stack)).size());
    }

    @Test
    void rejectsAStateMachineNameThatWouldWidenOrBreakTheGrantButLeavesTokensToDeployTime() {
        Stack stack = Synth.stack();
        Role role = role(stack);
        IConnection connection = connection(stack);
        for (String bad : new String[] {"orders-*", "orders call", "a:b", "a/b", "x".repeat(81), "", "orders?"}) {
            StepConnectValidationException e = assertThrows(StepConnectValidationException.class,
                    () -> StepConnect.grantHttpInvoke(role, connection, "https://api.example.com", HttpMethod.GET, bad), bad);
            assertTrue(e.getMessage().startsWith("Test/Role: grantHttpInvoke stateMachineName '" + bad + "' is not a "
                    + "Step Functions state machine name"), e.getMessage());
        }
        assertEquals(0, Synth.policyStatements(Template.fromStack(stack)).size());

        Stack valid = Synth.stack();
        Role validRole = role(valid);
        IConnection validConnection = connection(valid);
        StepConnect.grantHttpInvoke(validRole, validConnection, "https://api.example.com", HttpMethod.GET, "x".repeat(80));
        StepConnect.grantHttpInvoke(validRole, validConnection, "https://api.example.com", HttpMethod.GET, "commandes-été_v2.1");
        StepConnect.grantHttpInvoke(validRole, validConnection, "https://api.example.com", HttpMethod.GET,
                software.amazon.awscdk.Fn.join("-", java.util.List.of(valid.getStackName(), "call")));
        // one InvokeHTTPEndpoint statement per state machine; the CDK merges the identical connection statements
        assertEquals(3, Synth.policyStatements(Template.fromStack(valid)).stream()
                .filter(statement -> "states:InvokeHTTPEndpoint".equals(statement.get("Action"))).count());
    }

    @Test
    void refusesAGranteeThatTakesNoStatementsInsteadOfGrantingNothingSilently() {
        Stack stack = Synth.stack();
        StepConnectValidationException e = assertThrows(StepConnectValidationException.class, () ->
                StepConnect.grantHttpInvoke(new ServicePrincipal("states.amazonaws.com"), connection(stack),
                        "https://api.example.com", HttpMethod.GET, "sm"));
        assertTrue(e.getMessage().contains("takes no policy statements"), e.getMessage());
    }

    @Test
    void grantsAnImportedMutableRoleThroughAPolicyOfThisStack() {
        Stack stack = Synth.stack();
        IRole imported = Role.fromRoleArn(stack, "Imported", "arn:aws:iam::111122223333:role/partner-call");
        StepConnect.grantHttpInvoke(imported, connection(stack), "https://api.example.com/v1", HttpMethod.PUT, "sm");

        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::IAM::Policy", 1);
        assertEquals(3, Synth.policyStatements(template).size());
    }
}
