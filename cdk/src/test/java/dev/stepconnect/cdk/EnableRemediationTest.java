package dev.stepconnect.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.LogGroupProps;
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
        StepConnectValidationException zero = assertThrows(StepConnectValidationException.class,
                () -> StepConnect.enableRemediation(machine, 0, null));
        assertEquals("Test/Machine: maxAttempts must be 1..100 (total attempts, the original run included), got 0",
                zero.getMessage());
        StepConnectValidationException tooMany = assertThrows(StepConnectValidationException.class,
                () -> StepConnect.enableRemediation(machine, 101, null));
        assertTrue(tooMany.getMessage().endsWith("got 101"), tooMany.getMessage());
        assertEquals(Map.of(), Synth.tags(Synth.only(Template.fromStack(machine.getStack()), "AWS::StepFunctions::StateMachine")));
        StepConnect.enableRemediation(machine, 100, null);
        StepConnect.enableRemediation(machine, 1, null);
    }

    @Test
    void subscribesRemediationToAnExpressStateMachinesLogGroup() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
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
    void anExpressStateMachineIsSubscribedToTheStepConnectStacksExportedRemediationFunctionByDefault() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StepConnect.enableRemediation(express(stack, logGroup), RemediationOptions.builder().logGroup(logGroup).build());

        Template template = Template.fromStack(stack);
        Map<String, Object> imported = Map.of("Fn::ImportValue", "stepconnect-RemediationFunctionArn");
        template.hasResourceProperties("AWS::Lambda::Permission", Match.objectLike(Map.of(
                "FunctionName", imported, "Principal", "logs.amazonaws.com")));
        template.hasResourceProperties("AWS::Logs::SubscriptionFilter", Match.objectLike(Map.of("DestinationArn", imported)));
        Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    }

    @Test
    void theRemediationExportComesFromTheNamedStepConnectStack() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StepConnect.enableRemediation(express(stack, logGroup), RemediationOptions.builder()
                .logGroup(logGroup).stepConnectStackName("stepconnect-prod").build());

        Template template = Template.fromStack(stack);
        Map<String, Object> imported = Map.of("Fn::ImportValue", "stepconnect-prod-RemediationFunctionArn");
        template.hasResourceProperties("AWS::Lambda::Permission", Match.objectLike(Map.of("FunctionName", imported)));
        template.hasResourceProperties("AWS::Logs::SubscriptionFilter", Match.objectLike(Map.of("DestinationArn", imported)));
        assertEquals(imported, stack.resolve(StepConnect.remediationFunctionArn("stepconnect-prod")));
    }

    @Test
    void anExplicitFunctionArnWinsOverTheExport() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StepConnect.enableRemediation(express(stack, logGroup), RemediationOptions.builder()
                .logGroup(logGroup).stepConnectStackName("ignored").remediationFunctionArn(REMEDIATION_ARN).build());

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::Logs::SubscriptionFilter", Match.objectLike(Map.of("DestinationArn", REMEDIATION_ARN)));
        assertFalse(template.toJSON().toString().contains("ImportValue"), template.toJSON().toString());
    }

    @Test
    void anExpressStateMachineNeedsItsLogGroupAndAStackNameOrArnThatCanWork() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StateMachine logged = express(stack, logGroup);

        assertRefused(logged, RemediationOptions.builder(), "RemediationOptions.logGroup", "Test/Machine");
        assertRefused(logged, RemediationOptions.builder().logGroup(logGroup).remediationFunctionArn(" "),
                "remediationFunctionArn is blank");
        assertRefused(logged, RemediationOptions.builder().logGroup(logGroup).stepConnectStackName("step connect"),
                "stepConnectStackName 'step connect' is not a CloudFormation stack name");
        assertRefused(logged, RemediationOptions.builder().logGroup(logGroup).stepConnectStackName("1stepconnect"),
                "not a CloudFormation stack name");
        assertRefused(logged, RemediationOptions.builder().logGroup(logGroup).retryMode(RetryMode.REDRIVE),
                "cannot be redriven");
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::Logs::SubscriptionFilter", 0);
        template.resourceCountIs("AWS::Lambda::Permission", 0);
        assertEquals(Map.of(), Synth.tags(Synth.only(template, "AWS::StepFunctions::StateMachine")));
    }

    @Test
    void anExpressStateMachineMustLogToTheGivenLogGroup() {
        Stack silentStack = Synth.stack();
        LogGroup unused = vendedLogGroup(silentStack);
        assertRefused(express(silentStack, null), RemediationOptions.builder().logGroup(unused), "without logging");

        Stack offStack = Synth.stack();
        LogGroup off = vendedLogGroup(offStack);
        StateMachine offMachine = StateMachine.Builder.create(offStack, "Machine")
                .stateMachineType(StateMachineType.EXPRESS)
                .definitionBody(DefinitionBody.fromChainable(new Pass(offStack, "Step")))
                .logs(LogOptions.builder().destination(off).level(LogLevel.OFF).build())
                .build();
        assertRefused(offMachine, RemediationOptions.builder().logGroup(off), "logging OFF");

        Stack elsewhereStack = Synth.stack();
        LogGroup used = vendedLogGroup(elsewhereStack);
        LogGroup other = new LogGroup(elsewhereStack, "Other", LogGroupProps.builder()
                .logGroupName("/aws/vendedlogs/states/other").build());
        assertRefused(express(elsewhereStack, used), RemediationOptions.builder().logGroup(other),
                "does not log to RemediationOptions.logGroup Test/Other");
        Template template = Template.fromStack(elsewhereStack);
        template.resourceCountIs("AWS::Logs::SubscriptionFilter", 0);
    }

    @Test
    void anExpressStateMachineThatLogsNoInputIsSubscribedWithAWarningThatRetriesAreSkipped() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StateMachine machine = StateMachine.Builder.create(stack, "Machine")
                .stateMachineType(StateMachineType.EXPRESS)
                .definitionBody(DefinitionBody.fromChainable(new Pass(stack, "Step")))
                .logs(LogOptions.builder().destination(logGroup).level(LogLevel.ERROR).build())
                .build();
        StepConnect.enableRemediation(machine, RemediationOptions.builder().logGroup(logGroup).build());

        Template.fromStack(stack).resourceCountIs("AWS::Logs::SubscriptionFilter", 1);
        Annotations.fromStack(stack).hasWarning("/Test/Machine", Match.stringLikeRegexp(
                "Test/Machine logs at level ERROR without execution data: .*never retried.*InputUnavailable.*"
                        + StepConnect.EXPRESS_INPUT_WARNING + ".*"));
    }

    @Test
    void theNoInputWarningCanBeAcknowledged() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StateMachine machine = StateMachine.Builder.create(stack, "Machine")
                .stateMachineType(StateMachineType.EXPRESS)
                .definitionBody(DefinitionBody.fromChainable(new Pass(stack, "Step")))
                .logs(LogOptions.builder().destination(logGroup).level(LogLevel.ALL).build())
                .build();
        StepConnect.enableRemediation(machine, RemediationOptions.builder().logGroup(logGroup).build());
        Annotations.fromStack(stack).hasWarning("/Test/Machine", Match.stringLikeRegexp(".*without execution data.*"));

        software.amazon.awscdk.Annotations.of(machine).acknowledgeWarning(StepConnect.EXPRESS_INPUT_WARNING);
        Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    }

    @Test
    void aLogGroupOutsideTheVendedLogsPrefixDrawsAWarning() {
        Stack stack = Synth.stack();
        LogGroup named = new LogGroup(stack, "Logs", LogGroupProps.builder().logGroupName("orders-express").build());
        StepConnect.enableRemediation(express(stack, named), RemediationOptions.builder().logGroup(named).build());
        Annotations.fromStack(stack).hasWarning("/Test/Machine", Match.stringLikeRegexp(
                "the log group orders-express is not under /aws/vendedlogs/states/.*"
                        + StepConnect.EXPRESS_LOG_GROUP_WARNING + ".*"));

        Stack generated = Synth.stack();
        LogGroup unnamed = new LogGroup(generated, "Logs");
        StepConnect.enableRemediation(express(generated, unnamed), RemediationOptions.builder().logGroup(unnamed).build());
        Annotations.fromStack(generated).hasWarning("/Test/Machine", Match.stringLikeRegexp(
                "the log group \\(generated by CloudFormation\\) is not under /aws/vendedlogs/states/.*"));
    }

    @Test
    void anExpressStateMachineIsSubscribedOnceWithAClearMessageOnASecondCall() {
        Stack stack = Synth.stack();
        LogGroup logGroup = vendedLogGroup(stack);
        StateMachine machine = express(stack, logGroup);
        StepConnect.enableRemediation(machine, RemediationOptions.builder().logGroup(logGroup).build());
        assertRefused(machine, RemediationOptions.builder().logGroup(logGroup).maxAttempts(5),
                "Test/Machine: enableRemediation was already called");
        Template.fromStack(stack).resourceCountIs("AWS::Logs::SubscriptionFilter", 1);
    }

    private static LogGroup vendedLogGroup(Stack stack) {
        return new LogGroup(stack, "Logs", LogGroupProps.builder().logGroupName("/aws/vendedlogs/states/orders-express").build());
    }

    private static void assertRefused(StateMachine machine, RemediationOptions.Builder options, String... fragments) {
        StepConnectValidationException e = assertThrows(StepConnectValidationException.class,
                () -> StepConnect.enableRemediation(machine, options.build()));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
        }
    }
}
