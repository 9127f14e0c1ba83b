package dev.stepconnect.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;

class EnableRemediationTest {
    private static final String REMEDIATION_ARN = "arn:aws:lambda:us-east-1:111122223333:function:stepconnect-Remediation:live";

    private static StateMachine standard(Stack stack) {
        return StateMachine.Builder.create(stack, "Machine")
                .definitionBody(DefinitionBody.fromChainable(new Pass(stack, "Step")))
                .build();
    }

    private static StateMachine express(Stack stack, LogGroup logGroup) {
        StateMachine.Builder builder = StateMachine.Builder.create(stack, "Machine")
                .stateMachineType(StateMachineType.EXPRESS)
                .definitionBody(DefinitionBody.fromChainable(new Pass(stack, "Step")));
        if (logGroup != null) {
            builder.logs(LogOptions.builder().destination(logGroup).level(LogLevel.ALL).includeExecutionData(true).build());
        }
        return builder.build();
    }

    @Test
    void tagsOnlyTheStateMachineForAutomatedRetries() {
        Stack stack = Synth.stack();
        StateMachine machine = standard(stack);
        StepConnect.enableRemediation(machine);

        Template template = Template.fromStack(stack);
        assertEquals(Map.of("stepconnect:auto-retry", "true"),
                Synth.tags(Synth.only(template, "AWS::StepFunctions::StateMachine")));
        assertEquals(Map.of(), Synth.tags(Synth.only(template, "AWS::IAM::Role")));
        template.resourceCountIs("AWS::Logs::SubscriptionFilter", 0);
        template.resourceCountIs("AWS::Lambda::Permission", 0);
    }

    @Test
    void addsTheAttemptCapAndRetryModeTags() {
        Stack stack = Synth.stack();
        StepConnect.enableRemediation(standard(stack), 5, RetryMode.RESTART);

        assertEquals(Map.of("stepconnect:auto-retry", "true", "stepconnect:max-attempts", "5",
                        "stepconnect:retry-mode", "restart"),
                Synth.tags(Synth.only(Template.fromStack(stack), "AWS::StepFunctions::StateMachine")));
    }

    @Test
    void rejectsAnAttemptCapRemediationWouldIgnore() {
        Stack stack = Synth.stack();
        StateMachine machine = standard(stack);
        assertThrows(StepConnectValidationException.class, () -> StepConnect.enableRemediation(machine, 0, null));
        assertThrows(StepConnectValidationException.class, () -> StepConnect.enableRemediation(machine, 101, null));
        StepConnect.enableRemediation(machine, 100, null);
    }

    @Test
    void subscribesRemediationToAnExpressStateMachinesLogGroup() {
        Stack stack = Synth.stack();
        LogGroup logGroup = new LogGroup(stack, "Logs");
        StateMachine machine = express(stack, logGroup);
        StepConnect.enableRemediation(machine, RemediationOptions.builder()
                .logGroup(logGroup).remediationFunctionArn(REMEDIATION_ARN).retryMode(RetryMode.RESTART).build());

        Template template = Template.fromStack(stack);
        String logGroupId = stack.getLogicalId((CfnElement) logGroup.getNode().getDefaultChild());
        Map<String, Map<String, Object>> permissions = template.findResources("AWS::Lambda::Permission");
        assertEquals(1, permissions.size());
        String permissionId = permissions.keySet().iterator().next();
        assertEquals(Map.of(
                "Action", "lambda:InvokeFunction",
                "FunctionName", REMEDIATION_ARN,
                "Principal", "logs.amazonaws.com",
                "SourceArn", Map.of("Fn::GetAtt", List.of(logGroupId, "Arn")),
                "SourceAccount", Map.of("Ref", "AWS::AccountId")), Synth.properties(permissions.get(permissionId)));
        template.hasResource("AWS::Logs::SubscriptionFilter", Match.objectEquals(Map.of(
                "Type", "AWS::Logs::SubscriptionFilter",
                "Properties", Map.of(
                        "LogGroupName", Map.of("Ref", logGroupId),
                        "DestinationArn", REMEDIATION_ARN,
                        "FilterPattern", "{ ($.type = \"ExecutionFailed\") || ($.type = \"ExecutionTimedOut\") || "
                                + "($.type = \"ExecutionAborted\") || ($.type = \"ExecutionStarted\") }"),
                "DependsOn", List.of(permissionId))));
        assertEquals("true", Synth.tags(Synth.only(template, "AWS::StepFunctions::StateMachine")).get("stepconnect:auto-retry"));
    }

    @Test
    void anExpressStateMachineNeedsItsLogGroupTheFunctionArnAndLogging() {
        Stack stack = Synth.stack();
        LogGroup logGroup = new LogGroup(stack, "Logs");
        StateMachine logged = express(stack, logGroup);

        StepConnectValidationException noLogGroup = assertThrows(StepConnectValidationException.class, () ->
                StepConnect.enableRemediation(logged, RemediationOptions.builder().remediationFunctionArn(REMEDIATION_ARN).build()));
        assertTrue(noLogGroup.getMessage().contains("RemediationOptions.logGroup"), noLogGroup.getMessage());
        StepConnectValidationException noArn = assertThrows(StepConnectValidationException.class, () ->
                StepConnect.enableRemediation(logged, RemediationOptions.builder().logGroup(logGroup).build()));
        assertTrue(noArn.getMessage().contains("remediationFunctionArn"), noArn.getMessage());
        StepConnectValidationException redrive = assertThrows(StepConnectValidationException.class, () ->
                StepConnect.enableRemediation(logged, RemediationOptions.builder().logGroup(logGroup)
                        .remediationFunctionArn(REMEDIATION_ARN).retryMode(RetryMode.REDRIVE).build()));
        assertTrue(redrive.getMessage().contains("cannot be redriven"), redrive.getMessage());

        Stack other = Synth.stack();
        LogGroup unused = new LogGroup(other, "Logs");
        StateMachine silent = express(other, null);
        StepConnectValidationException noLogging = assertThrows(StepConnectValidationException.class, () ->
                StepConnect.enableRemediation(silent, RemediationOptions.builder().logGroup(unused)
                        .remediationFunctionArn(REMEDIATION_ARN).build()));
        assertTrue(noLogging.getMessage().contains("without logging"), noLogging.getMessage());
        Template template = Template.fromStack(other);
        template.resourceCountIs("AWS::Logs::SubscriptionFilter", 0);
        assertEquals(Map.of(), Synth.tags(Synth.only(template, "AWS::StepFunctions::StateMachine")));
    }
}
