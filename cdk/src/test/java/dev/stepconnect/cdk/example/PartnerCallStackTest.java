package dev.stepconnect.cdk.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stepconnect.cdk.HttpMethod;
import dev.stepconnect.cdk.HttpTaskRetries;
import dev.stepconnect.cdk.Synth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.stepfunctions.LogLevel;

/** The example app mirrors template.yaml's example integration. */
class PartnerCallStackTest {
    private static PartnerCallStack stack;
    private static Template template;

    @BeforeAll
    static void synthesize() {
        stack = new PartnerCallStack(new App(), "shop", StackProps.builder().build(), PartnerCallStack.Settings.defaults());
        template = Template.fromStack(stack);
    }

    private static String id(Object construct) {
        return stack.getLogicalId((software.amazon.awscdk.CfnElement)
                ((software.constructs.IConstruct) construct).getNode().getDefaultChild());
    }

    @Test
    void definesTheSameResourcesAsTheSamExample() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Object resource : template.toJSON().get("Resources") instanceof Map<?, ?> r ? r.values() : List.of()) {
            counts.merge((String) ((Map<?, ?>) resource).get("Type"), 1, Integer::sum);
        }
        assertEquals(new TreeMap<>(Map.of(
                "AWS::SecretsManager::Secret", 1,
                "Custom::EventBridgeConnection", 1,
                "AWS::SecretsManager::RotationSchedule", 1,
                "AWS::IAM::Role", 1,
                "AWS::IAM::Policy", 1,
                "AWS::Logs::LogGroup", 1,
                "AWS::StepFunctions::StateMachine", 1)), counts);
        Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
        Annotations.fromStack(stack).hasNoError("*", Match.anyValue());
    }

    @Test
    void theCredentialsSecretIsTaggedForStepConnectAndLinkedForRotation() {
        assertEquals(Map.of("stepconnect:credentials", "true", "stepconnect:connection", "shop-partner",
                "stepconnect:generator", "pending"), Synth.tags(Synth.only(template, "AWS::SecretsManager::Secret")));
        template.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                "GenerateSecretString", Map.of(
                        "SecretStringTemplate", "{\"authorizationType\":\"API_KEY\",\"apiKeyName\":\"x-api-key\"}",
                        "GenerateStringKey", "apiKeyValue", "PasswordLength", 48, "ExcludePunctuation", true))));
    }

    @Test
    void theConnectionGoesThroughStepConnectsExportedProvider() {
        template.hasResourceProperties("Custom::EventBridgeConnection", Match.objectEquals(Map.of(
                "ServiceToken", Map.of("Fn::ImportValue", "stepconnect-ConnectionProviderServiceToken"),
                "Name", "shop-partner",
                "Description", "Partner API connection of shop",
                "AuthorizationType", "API_KEY",
                "CredentialsSecretArn", Map.of("Ref", id(stack.getPartner().getCredentialsSecret())),
                "LinkSecretForRotation", "false")));
        template.hasResource("AWS::SecretsManager::RotationSchedule", Match.objectLike(Map.of(
                "Properties", Map.of(
                        "SecretId", Map.of("Ref", id(stack.getPartner().getCredentialsSecret())),
                        "RotationLambdaARN", Map.of("Fn::ImportValue", "stepconnect-RotationFunctionArn"),
                        "RotateImmediatelyOnUpdate", false,
                        "RotationRules", Map.of("ScheduleExpression", "rate(30 days)")),
                "DependsOn", List.of(id(stack.getPartner().getResource())))));
    }

    @Test
    void theStateMachineRoleHoldsTheHttpTaskGrantAndWildcardsOnlyWhereAwsAcceptsNothingElse() {
        List<Map<String, Object>> statements = Synth.policyStatements(template);
        assertEquals(5, statements.size(), statements.toString());
        for (Map<String, Object> statement : statements.subList(0, 3)) {
            assertFalse(String.valueOf(statement.get("Resource")).contains("*"), statement.toString());
        }
        statements.forEach(statement -> assertEquals("Allow", statement.get("Effect")));
        assertEquals(Map.of(
                "StringEquals", Map.of("states:HTTPMethod", "POST"),
                "StringLike", Map.of("states:HTTPEndpoint", "https://api.example.com/v1/orders*")),
                statements.get(0).get("Condition"));
        // Log delivery and X-Ray support no resource-level permissions (as in template.yaml).
        assertEquals(Map.of("Effect", "Allow", "Resource", "*", "Action", List.of("logs:CreateLogDelivery",
                "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
                "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups")), statements.get(3));
        assertEquals(Map.of("Effect", "Allow", "Resource", "*", "Action", List.of("xray:PutTraceSegments",
                "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets")), statements.get(4));
        String connection = id(stack.getPartner().getResource());
        assertEquals(Map.of("Fn::GetAtt", List.of(connection, "Arn")), statements.get(1).get("Resource"));
        assertEquals(Map.of("Fn::GetAtt", List.of(connection, "SecretArn")), statements.get(2).get("Resource"));
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("AssumeRolePolicyDocument", Map.of(
                "Version", "2012-10-17",
                "Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole", "Effect", "Allow",
                        "Principal", Map.of("Service", "states.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")))))))));
    }

    @Test
    void theStandardStateMachineCallsThePartnerThroughTheConnectionAndIsTaggedForRemediation() {
        Map<String, Object> machine = Synth.only(template, "AWS::StepFunctions::StateMachine");
        Map<String, Object> properties = Synth.properties(machine);
        assertEquals("shop-partner-call", properties.get("StateMachineName"));
        assertEquals("STANDARD", properties.get("StateMachineType"));
        assertEquals(Map.of("stepconnect:auto-retry", "true"), Synth.tags(machine));
        assertEquals(Map.of("Enabled", true), properties.get("TracingConfiguration"));
        String logGroup = template.findResources("AWS::Logs::LogGroup").keySet().iterator().next();
        assertEquals(Map.of("Level", "ERROR", "IncludeExecutionData", false, "Destinations", List.of(Map.of(
                "CloudWatchLogsLogGroup", Map.of("LogGroupArn", Map.of("Fn::GetAtt", List.of(logGroup, "Arn")))))),
                properties.get("LoggingConfiguration"));
        template.hasResourceProperties("AWS::Logs::LogGroup", Match.objectEquals(Map.of(
                "LogGroupName", "/aws/vendedlogs/states/shop-partner-call", "RetentionInDays", 30)));
        // Only the role's policy: the role itself is already a dependency through RoleArn.
        assertEquals(List.copyOf(template.findResources("AWS::IAM::Policy").keySet()), machine.get("DependsOn"));

        @SuppressWarnings("unchecked")
        Map<String, Object> states = (Map<String, Object>) Synth.definition(template).get("States");
        assertEquals("CallPartnerApi", Synth.definition(template).get("StartAt"));
        @SuppressWarnings("unchecked")
        Map<String, Object> call = (Map<String, Object>) states.get("CallPartnerApi");
        assertEquals("arn:<token>:states:::http:invoke", call.get("Resource"));
        assertEquals(Map.of(
                "ApiEndpoint.$", "States.Format('{}/{}', 'https://api.example.com/v1', 'orders')",
                "Method", "POST",
                "Authentication", Map.of("ConnectionArn", "<token>"),
                "RequestBody.$", "$"), call.get("Parameters"));
        assertEquals(60, call.get("TimeoutSeconds"));
        assertEquals(Map.of("StatusCode.$", "$.StatusCode", "ResponseBody.$", "$.ResponseBody"), call.get("ResultSelector"));
        assertEquals(true, call.get("End"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> retry = (List<Map<String, Object>>) call.get("Retry");
        assertEquals(HttpTaskRetries.RETRYABLE, retry.get(0).get("ErrorEquals"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> catchers = (List<Map<String, Object>>) call.get("Catch");
        assertEquals(List.of(Map.of("ErrorEquals", HttpTaskRetries.DEFINITIVE, "ResultPath", "$.error",
                "Next", "PartnerRejected")), catchers);
        assertEquals(Map.of("Type", "Fail", "Error", "Partner.RequestRejected", "CausePath", "$.error.Cause",
                "Comment", "The partner refused the request (a 4xx other than 429): retrying the same request cannot help."),
                states.get("PartnerRejected"));
        assertEquals(2, states.size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHttpTaskAndTheRejectionStateAreThoseOfTheSamDefinition() throws java.io.IOException {
        Map<String, Object> sam = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                java.nio.file.Files.readString(java.nio.file.Path.of("..", "statemachine", "partner-call.asl.json")), Map.class);
        Map<String, Object> samStates = (Map<String, Object>) sam.get("States");
        Map<String, Object> definition = Synth.definition(template);
        Map<String, Object> states = (Map<String, Object>) definition.get("States");
        assertEquals(sam.get("StartAt"), definition.get("StartAt"));
        assertEquals(samStates.keySet(), states.keySet());
        Map<String, Object> samCall = (Map<String, Object>) samStates.get(sam.get("StartAt"));
        Map<String, Object> call = (Map<String, Object>) states.get(definition.get("StartAt"));
        for (String field : List.of("Type", "TimeoutSeconds", "Retry", "Catch", "ResultSelector", "End")) {
            assertEquals(samCall.get(field), call.get(field), field);
        }
        String rejected = (String) ((List<Map<String, Object>>) samCall.get("Catch")).get(0).get("Next");
        assertEquals(samStates.get(rejected), states.get(rejected));
    }

    @Test
    void settingsChangeTheEndpointMethodAndStepConnectStack() {
        PartnerCallStack custom = new PartnerCallStack(new App(), "billing", StackProps.builder().build(),
                new PartnerCallStack.Settings("stepconnect-prod", "https://billing.example.net", "invoices",
                        HttpMethod.PUT, "rate(7 days)", LogLevel.ALL));
        Template customTemplate = Template.fromStack(custom);
        customTemplate.hasResourceProperties("Custom::EventBridgeConnection", Match.objectLike(Map.of(
                "ServiceToken", Map.of("Fn::ImportValue", "stepconnect-prod-ConnectionProviderServiceToken"))));
        assertEquals(Map.of(
                "StringEquals", Map.of("states:HTTPMethod", "PUT"),
                "StringLike", Map.of("states:HTTPEndpoint", "https://billing.example.net/invoices*")),
                Synth.policyStatements(customTemplate).get(0).get("Condition"));
        assertTrue(customTemplate.toJSON().toString().contains("rate(7 days)"));
        assertNull(customTemplate.toJSON().get("Conditions"));
        customTemplate.hasResourceProperties("AWS::StepFunctions::StateMachine", Match.objectLike(Map.of(
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ALL")))));
    }
}
