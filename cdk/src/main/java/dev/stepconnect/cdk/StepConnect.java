package dev.stepconnect.cdk;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Resource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.events.IConnection;
import software.amazon.awscdk.services.iam.AddToPrincipalPolicyResult;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.CfnSubscriptionFilter;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.stepfunctions.CfnStateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.IConstruct;

/**
 * StepConnect's names and the small helpers around its constructs: the exports of the deployed
 * StepConnect stack, the HTTP Task grant, and the remediation opt-in of a state machine.
 */
public final class StepConnect {
    /** The stack name samconfig.toml deploys StepConnect under. */
    public static final String DEFAULT_STACK_NAME = "stepconnect";

    /** {@code true}: the secret's owner lets StepConnect read it into connections and tag it. */
    public static final String CREDENTIALS_TAG = "stepconnect:credentials";
    /** Comma-separated names of the connections a credentials secret feeds (read by RotationFunction). */
    public static final String CONNECTION_TAG = "stepconnect:connection";
    /** HTTPS GET endpoint that proves a rotated credential before it goes live. */
    public static final String TEST_ENDPOINT_TAG = "stepconnect:test-endpoint";
    /** How a rotation gets the new credential: {@code pending} (default) or {@code random}. */
    public static final String GENERATOR_TAG = "stepconnect:generator";
    /** {@code true} opts a state machine into automated retries. */
    public static final String AUTO_RETRY_TAG = "stepconnect:auto-retry";
    public static final String MAX_ATTEMPTS_TAG = "stepconnect:max-attempts";
    public static final String RETRY_MODE_TAG = "stepconnect:retry-mode";

    /** RemediationFunction accepts 1..100 attempts (README, configuration reference). */
    public static final int MAX_ATTEMPTS_LIMIT = 100;

    /** EventBridge connection names: {@code [.\-_A-Za-z0-9]{1,64}} (EventBridge API reference, CreateConnection). */
    private static final Pattern CONNECTION_NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    /** Step Functions state machine names (Step Functions API reference, CreateStateMachine). */
    private static final Pattern STATE_MACHINE_NAME =
            Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\p{Cntrl}]{1,80}");

    /** CloudFormation stack names (CloudFormation user guide, "Stack name"). */
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][-A-Za-z0-9]{0,127}");

    /** Warning id: an Express state machine's logs lack the input a retry needs; acknowledge to accept. */
    public static final String EXPRESS_INPUT_WARNING = "stepconnect:expressInputNotLogged";
    /** Warning id: an Express log group outside the prefix RemediationFunction may query; acknowledge to accept. */
    public static final String EXPRESS_LOG_GROUP_WARNING = "stepconnect:expressLogGroupPrefix";
    private static final String EXPRESS_SUBSCRIPTION_ID = "StepConnectRemediationLogs";
    /** The log group prefix RemediationFunction may read with FilterLogEvents (docs/remediation.md). */
    public static final String VENDED_LOGS_PREFIX = "/aws/vendedlogs/states/";

    /**
     * The Express log events RemediationFunction reads: the three failures, and the start that carries
     * the input a restart needs (logged at level ALL with execution data).
     */
    static final List<String> EXPRESS_LOG_EVENT_TYPES =
            List.of("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted", "ExecutionStarted");

    private StepConnect() {
    }

    /** {@code Fn::ImportValue} of {@code <stackName>-ConnectionProviderServiceToken}. */
    public static String connectionProviderServiceToken(String stepConnectStackName) {
        return Fn.importValue(stackName(stepConnectStackName) + "-ConnectionProviderServiceToken");
    }

    /**
     * {@code Fn::ImportValue} of {@code <stackName>-RemediationFunctionArn} (RemediationFunction's live alias,
     * the destination of an Express state machine's log subscription).
     */
    public static String remediationFunctionArn(String stepConnectStackName) {
        return Fn.importValue(stackName(stepConnectStackName) + "-RemediationFunctionArn");
    }

    /** {@code Fn::ImportValue} of {@code <stackName>-RotationFunctionArn} (RotationFunction's live alias). */
    public static String rotationFunctionArn(String stepConnectStackName) {
        return Fn.importValue(stackName(stepConnectStackName) + "-RotationFunctionArn");
    }

    /**
     * Grants exactly what an HTTP Task needs to call {@code endpoint} with {@code method} through
     * {@code connection}, the statements StepConnect's own template gives its example state machine:
     * {@code states:InvokeHTTPEndpoint} on the state machine named {@code stateMachineName}, conditioned
     * on {@code states:HTTPMethod} = method and {@code states:HTTPEndpoint} like {@code endpoint*};
     * {@code events:RetrieveConnectionCredentials} on the connection; {@code secretsmanager:GetSecretValue}
     * and {@code DescribeSecret} on the connection's managed secret (Step Functions developer guide,
     * "Call HTTPS APIs", IAM permissions).
     *
     * <p>The CDK's {@code HttpInvoke} task adds a broader {@code states:InvokeHTTPEndpoint} statement of
     * its own ({@code Resource: *}, endpoint condition only): give the state machine
     * {@code role.withoutPolicyUpdates()} so only these statements apply (docs/cdk.md).
     *
     * @param grantee          the state machine's role itself, not its {@code withoutPolicyUpdates()} view
     *                         (the CDK silently drops grants to that view)
     * @param connection       the connection the task authenticates with
     * @param endpoint         the literal {@code https://} endpoint (or its prefix) the task calls
     * @param method           the HTTP method the task uses
     * @param stateMachineName the state machine's name; null: any state machine of this account and Region
     *                         ({@code stateMachine:*}, still limited by the method and endpoint conditions)
     * @throws StepConnectValidationException on a plain-http or malformed endpoint, a missing argument, or a
     *                                        grantee that takes no policy statements (a service principal)
     */
    public static void grantHttpInvoke(IGrantable grantee, IConnection connection, String endpoint,
                                       HttpMethod method, String stateMachineName) {
        require(grantee, "grantHttpInvoke: grantee (the state machine's role)");
        String who = grantee instanceof IConstruct construct ? construct.getNode().getPath() + ": " : "";
        require(connection, who + "grantHttpInvoke: connection");
        require(method, who + "grantHttpInvoke: method");
        validateEndpoint(endpoint, who + "grantHttpInvoke endpoint");
        validateStateMachineName(stateMachineName, who);
        Stack stack = Stack.of(connection);
        String stateMachineArn = stack.formatArn(ArnComponents.builder()
                .service("states")
                .resource("stateMachine")
                .resourceName(stateMachineName == null ? "*" : stateMachineName)
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
        add(grantee, PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("states:InvokeHTTPEndpoint"))
                .resources(List.of(stateMachineArn))
                .conditions(Map.of(
                        "StringEquals", Map.of("states:HTTPMethod", method.name()),
                        "StringLike", Map.of("states:HTTPEndpoint", endpoint + "*")))
                .build());
        add(grantee, PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("events:RetrieveConnectionCredentials"))
                .resources(List.of(connection.getConnectionArn()))
                .build());
        add(grantee, PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"))
                .resources(List.of(connection.getConnectionSecretArn()))
                .build());
    }

    /**
     * {@link #grantHttpInvoke(IGrantable, IConnection, String, HttpMethod, String)} for any state machine of
     * the connection's account and Region ({@code stateMachine:*}, bound by the method and endpoint conditions).
     */
    public static void grantHttpInvoke(IGrantable grantee, IConnection connection, String endpoint, HttpMethod method) {
        grantHttpInvoke(grantee, connection, endpoint, method, null);
    }

    /**
     * What a state machine's role needs to deliver execution logs to CloudWatch Logs, as StepConnect's
     * template gives its example state machine. The CDK adds this itself to a role it may change; a role
     * passed as {@code withoutPolicyUpdates()} needs it granted here. {@code Resource: *} because
     * CloudWatch Logs' vended-log delivery actions support no resource-level permissions (Step Functions
     * developer guide, "IAM policies for logging to CloudWatch Logs").
     */
    public static void grantExecutionLogDelivery(IGrantable grantee) {
        require(grantee, "grantExecutionLogDelivery: grantee");
        add(grantee, PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                        "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                        "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"))
                .resources(List.of("*"))
                .build());
    }

    /**
     * What a state machine's role needs to send X-Ray traces ({@code tracingEnabled}), for a role passed as
     * {@code withoutPolicyUpdates()}. {@code Resource: *} because X-Ray's trace and sampling actions
     * support no resource-level permissions (X-Ray developer guide, "Identity and access management").
     */
    public static void grantTracing(IGrantable grantee) {
        require(grantee, "grantTracing: grantee");
        add(grantee, PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                        "xray:GetSamplingTargets"))
                .resources(List.of("*"))
                .build());
    }

    /** {@link #enableRemediation(StateMachine, RemediationOptions)} with RemediationFunction's defaults. */
    public static void enableRemediation(StateMachine stateMachine) {
        enableRemediation(stateMachine, RemediationOptions.builder().build());
    }

    /**
     * Opts a Standard state machine into automated retries with an attempt cap and retry mode (either
     * may be null for RemediationFunction's default).
     */
    public static void enableRemediation(StateMachine stateMachine, Integer maxAttempts, RetryMode retryMode) {
        enableRemediation(stateMachine, RemediationOptions.builder().maxAttempts(maxAttempts).retryMode(retryMode).build());
    }

    /**
     * Opts a state machine into StepConnect's automated retries: tags it {@code stepconnect:auto-retry=true}
     * and, when given, {@code stepconnect:max-attempts} and {@code stepconnect:retry-mode}. Standard
     * workflows reach RemediationFunction through their status-change events; for an Express workflow
     * this also subscribes RemediationFunction to the state machine's log group
     * ({@code AWS::Logs::SubscriptionFilter} for {@link #EXPRESS_LOG_EVENT_TYPES}, with the
     * {@code AWS::Lambda::Permission} CloudWatch Logs needs to invoke it). A log group takes at most two
     * subscription filters (CloudWatch Logs quotas).
     *
     * <p>Express: the subscription's destination is {@code options.remediationFunctionArn}, else the
     * StepConnect stack's {@code <stepConnectStackName>-RemediationFunctionArn} export (stack name default
     * {@code stepconnect}). Logging below level ALL or without execution data, or a log group outside
     * {@code /aws/vendedlogs/states/}, draws a synth warning ({@link #EXPRESS_INPUT_WARNING},
     * {@link #EXPRESS_LOG_GROUP_WARNING}): failures are then counted but not retried.
     *
     * @throws StepConnectValidationException on max attempts outside 1..100; for Express: no log group, no
     *                                        logging or logging OFF, logging to another log group, a blank
     *                                        function ARN, a malformed stack name, or retry mode
     *                                        {@code redrive} (Express executions cannot be redriven)
     */
    public static void enableRemediation(StateMachine stateMachine, RemediationOptions options) {
        require(stateMachine, "enableRemediation: stateMachine");
        require(options, "enableRemediation: options");
        String path = stateMachine.getNode().getPath();
        Integer maxAttempts = options.getMaxAttempts();
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT)) {
            throw new StepConnectValidationException(path + ": maxAttempts must be 1.." + MAX_ATTEMPTS_LIMIT
                    + " (total attempts, the original run included), got " + maxAttempts);
        }
        boolean express = stateMachine.getStateMachineType() == StateMachineType.EXPRESS;
        if (express) {
            subscribeExpressLogs(stateMachine, options);
        }
        TagProps onlyTheStateMachine = TagProps.builder()
                .includeResourceTypes(List.of("AWS::StepFunctions::StateMachine"))
                .build();
        Tags.of(stateMachine).add(AUTO_RETRY_TAG, "true", onlyTheStateMachine);
        if (maxAttempts != null) {
            Tags.of(stateMachine).add(MAX_ATTEMPTS_TAG, maxAttempts.toString(), onlyTheStateMachine);
        }
        if (options.getRetryMode() != null) {
            Tags.of(stateMachine).add(RETRY_MODE_TAG, options.getRetryMode().tagValue(), onlyTheStateMachine);
        }
    }

    private static void subscribeExpressLogs(StateMachine stateMachine, RemediationOptions options) {
        String path = stateMachine.getNode().getPath();
        if (options.getRetryMode() == RetryMode.REDRIVE) {
            throw new StepConnectValidationException(path + ": Express executions cannot be redriven; use "
                    + "retryMode AUTO or RESTART (both start a new execution with the original input)");
        }
        ILogGroup logGroup = options.getLogGroup();
        if (logGroup == null) {
            throw new StepConnectValidationException(path + " is an Express state machine: its failures reach "
                    + "StepConnect only through its execution logs. Pass the log group of its `logs` option "
                    + "as RemediationOptions.logGroup (log level ALL with includeExecutionData lets a retry "
                    + "restart with the original input).");
        }
        String explicitArn = options.getRemediationFunctionArn();
        if (explicitArn != null && explicitArn.isBlank()) {
            throw new StepConnectValidationException(path + ": RemediationOptions.remediationFunctionArn is blank; "
                    + "leave it unset to import the StepConnect stack's <stack>-RemediationFunctionArn export");
        }
        String functionArn = explicitArn != null
                ? explicitArn
                : Fn.importValue(stackName(options.getStepConnectStackName(), path) + "-RemediationFunctionArn");
        if (stateMachine.getNode().tryFindChild(EXPRESS_SUBSCRIPTION_ID) != null) {
            throw new StepConnectValidationException(path + ": enableRemediation was already called for this Express "
                    + "state machine; its log group is subscribed once (call it once, with all the options)");
        }
        Stack stack = Stack.of(stateMachine);
        checkExpressLogging(stateMachine, logGroup, stack);
        CfnPermission permission = CfnPermission.Builder.create(stateMachine, "StepConnectRemediationInvoke")
                .action("lambda:InvokeFunction")
                .functionName(functionArn)
                .principal("logs.amazonaws.com")
                .sourceArn(logGroup.getLogGroupArn())
                .sourceAccount(stack.getAccount())
                .build();
        CfnSubscriptionFilter filter = CfnSubscriptionFilter.Builder.create(stateMachine, EXPRESS_SUBSCRIPTION_ID)
                .logGroupName(logGroup.getLogGroupName())
                .destinationArn(functionArn)
                .filterPattern(FilterPattern.any(EXPRESS_LOG_EVENT_TYPES.stream()
                        .map(type -> FilterPattern.stringValue("$.type", "=", type))
                        .toArray(software.amazon.awscdk.services.logs.JsonPattern[]::new)).getLogPatternString())
                .build();
        // CloudWatch Logs checks it may invoke the destination when the filter is created.
        filter.getNode().addDependency(permission);
    }

    /**
     * The Express state machine must log to {@code logGroup} (else the subscription sees nothing); level
     * {@code OFF} logs nothing. Level ALL with execution data is what a retry needs (only then does
     * {@code ExecutionStarted} carry the input), and {@code /aws/vendedlogs/states/} is the prefix
     * RemediationFunction may query: anything less is a warning, as failures are still counted and alarmed.
     */
    @SuppressWarnings("unchecked")
    private static void checkExpressLogging(StateMachine stateMachine, ILogGroup logGroup, Stack stack) {
        String path = stateMachine.getNode().getPath();
        String wanted = "set its `logs` option (LogOptions with destination " + logGroup.getNode().getPath()
                + ", level ALL, includeExecutionData true)";
        CfnStateMachine cfn = (CfnStateMachine) stateMachine.getNode().getDefaultChild();
        Object configuration = cfn == null || cfn.getLoggingConfiguration() == null
                ? null : stack.resolve(cfn.getLoggingConfiguration());
        if (!(configuration instanceof Map<?, ?>)) {
            throw new StepConnectValidationException(path + " is an Express state machine without logging: " + wanted);
        }
        Map<String, Object> logging = (Map<String, Object>) configuration;
        Object level = logging.get("level");
        if (level == null || "OFF".equals(level)) {
            throw new StepConnectValidationException(path + " is an Express state machine with logging OFF: "
                    + "StepConnect would never see its failures; " + wanted);
        }
        Object wantedArn = stack.resolve(logGroup.getLogGroupArn());
        List<Object> destinations = logging.get("destinations") instanceof List<?> list ? (List<Object>) list : List.of();
        boolean logsThere = destinations.stream()
                .filter(Map.class::isInstance)
                .map(d -> ((Map<String, Object>) d).get("cloudWatchLogsLogGroup"))
                .filter(Map.class::isInstance)
                .anyMatch(g -> wantedArn.equals(((Map<String, Object>) g).get("logGroupArn")));
        if (!logsThere) {
            throw new StepConnectValidationException(path + " does not log to RemediationOptions.logGroup "
                    + logGroup.getNode().getPath() + ": the subscription would never see its failures; pass the "
                    + "log group of its `logs` option");
        }
        if (!"ALL".equals(level) || !Boolean.TRUE.equals(logging.get("includeExecutionData"))) {
            Annotations.of(stateMachine).addWarningV2(EXPRESS_INPUT_WARNING, path + " logs at level " + level
                    + (Boolean.TRUE.equals(logging.get("includeExecutionData")) ? "" : " without execution data")
                    + ": its failures are counted and alarmed, but never retried (RetriesSkipped "
                    + "Reason=InputUnavailable), as only ExecutionStarted at level ALL with includeExecutionData "
                    + "carries the input a retry needs. To retry, " + wanted + "; to accept, acknowledge \""
                    + EXPRESS_INPUT_WARNING + "\".");
        }
        String name = literalLogGroupName(logGroup);
        if (name != null && !name.startsWith(VENDED_LOGS_PREFIX)) {
            Annotations.of(stateMachine).addWarningV2(EXPRESS_LOG_GROUP_WARNING, "the log group " + name
                    + " is not under " + VENDED_LOGS_PREFIX + ", the prefix RemediationFunction may query: a "
                    + "failure delivered without its ExecutionStarted record cannot be retried. Name the log group "
                    + VENDED_LOGS_PREFIX + "<name>, or acknowledge \"" + EXPRESS_LOG_GROUP_WARNING + "\".");
        }
    }

    /** The log group's name as written in the app; "(generated)" when CloudFormation names it; null when unknown. */
    private static String literalLogGroupName(ILogGroup logGroup) {
        if (!Token.isUnresolved(logGroup.getLogGroupName())) {
            return logGroup.getLogGroupName();
        }
        if (logGroup.getNode().getDefaultChild() instanceof CfnLogGroup cfn) {
            // The L2 LogGroup's name property is a lazy token even when no name was given.
            Object name = cfn.getLogGroupName() == null ? null : Stack.of(cfn).resolve(cfn.getLogGroupName());
            if (name == null) {
                return "(generated by CloudFormation)";
            }
            return name instanceof String literal ? literal : null;
        }
        return null;
    }

    /** Throws unless {@code name} is a valid EventBridge connection name; a token is checked at deploy time. */
    static void validateConnectionName(String name, String path) {
        if (name == null || name.isBlank()) {
            throw new StepConnectValidationException(path + ": connectionName is required (1-64 characters of "
                    + "A-Z a-z 0-9 . - _)");
        }
        if (!Token.isUnresolved(name) && !CONNECTION_NAME.matcher(name).matches()) {
            throw new StepConnectValidationException(path + ": connectionName '" + name + "' is not a valid "
                    + "EventBridge connection name: 1-64 characters of A-Z a-z 0-9 . - _");
        }
    }

    /**
     * Throws unless {@code name} is null (any state machine), a token, or a Step Functions state machine name:
     * 1-80 characters, no whitespace, brackets, wildcards or {@code " # % \ ^ | ~ ` $ & , ; : /}, no control
     * characters (Step Functions API reference, CreateStateMachine {@code name}). A wildcard would widen
     * the grant; a colon or slash would make the ARN name something else.
     */
    static void validateStateMachineName(String name, String who) {
        if (name == null || Token.isUnresolved(name)) {
            return;
        }
        if (!STATE_MACHINE_NAME.matcher(name).matches()) {
            throw new StepConnectValidationException(who + "grantHttpInvoke stateMachineName '" + name + "' is not a "
                    + "Step Functions state machine name: 1-80 characters without whitespace, brackets, wildcards "
                    + "or \" # % \\ ^ | ~ ` $ & , ; : / (pass null to grant any state machine of the account)");
        }
    }

    /** Throws unless {@code endpoint} is an {@code https://} URL with a host; a token is checked at deploy time. */
    static void validateEndpoint(String endpoint, String what) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new StepConnectValidationException(what + " is required: the https:// URL the HTTP Task calls");
        }
        if (Token.isUnresolved(endpoint)) {
            return;
        }
        if (endpoint.regionMatches(true, 0, "http://", 0, 7)) {
            throw new StepConnectValidationException(what + " '" + endpoint + "' uses plain http: Step Functions "
                    + "HTTP Tasks call https:// endpoints only");
        }
        if (!endpoint.startsWith("https://") || endpoint.length() <= "https://".length()
                || endpoint.chars().anyMatch(c -> c <= ' ' || c == '*')) {
            throw new StepConnectValidationException(what + " '" + endpoint + "' must be an https:// URL "
                    + "(no spaces or wildcards; the grant adds the trailing *)");
        }
    }

    /** True when the construct is defined in this app (not imported by name or ARN). */
    static boolean isDefinedHere(IConstruct construct) {
        return Resource.isOwnedResource(construct);
    }

    private static void add(IGrantable grantee, PolicyStatement statement) {
        AddToPrincipalPolicyResult result = grantee.getGrantPrincipal().addToPrincipalPolicy(statement);
        if (!Boolean.TRUE.equals(result.getStatementAdded())) {
            throw new StepConnectValidationException("the grantee takes no policy statements ("
                    + grantee.getGrantPrincipal() + "): grant the state machine's role");
        }
    }

    private static String stackName(String stepConnectStackName) {
        return stackName(stepConnectStackName, "StepConnect export");
    }

    /**
     * The StepConnect stack name ({@code stepconnect} when null or blank), checked against CloudFormation's
     * rule (a letter, then letters, digits and hyphens, at most 128 characters; CloudFormation user guide,
     * "Stack name"): a wrong name would only fail at deploy time as a missing export.
     */
    static String stackName(String stepConnectStackName, String path) {
        if (stepConnectStackName == null || stepConnectStackName.isBlank()) {
            return DEFAULT_STACK_NAME;
        }
        if (!Token.isUnresolved(stepConnectStackName) && !STACK_NAME.matcher(stepConnectStackName).matches()) {
            throw new StepConnectValidationException(path + ": stepConnectStackName '" + stepConnectStackName
                    + "' is not a CloudFormation stack name (a letter, then letters, digits and hyphens, at most "
                    + "128 characters); it names the deployed StepConnect stack whose exports are imported");
        }
        return stepConnectStackName;
    }

    static void require(Object value, String what) {
        if (value == null) {
            throw new StepConnectValidationException(what + " is required");
        }
    }
}
