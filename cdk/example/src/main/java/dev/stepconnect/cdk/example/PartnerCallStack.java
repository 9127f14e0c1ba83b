package dev.stepconnect.cdk.example;

import dev.stepconnect.cdk.AuthorizationType;
import dev.stepconnect.cdk.EventBridgeConnectionFromSecret;
import dev.stepconnect.cdk.EventBridgeConnectionFromSecretProps;
import dev.stepconnect.cdk.HttpMethod;
import dev.stepconnect.cdk.HttpTaskRetries;
import dev.stepconnect.cdk.StepConnect;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.tasks.HttpInvoke;
import software.constructs.Construct;

/**
 * StepConnect's example integration (template.yaml, "example integration") as a CDK stack: a
 * credentials secret, a connection through StepConnect's custom resource, the secret's rotation
 * schedule, and a Standard state machine whose {@code HttpInvoke} task calls the partner API, retries
 * as {@code statemachine/partner-call.asl.json} does, logs execution events (level ERROR, no execution
 * data) to its own log group, is traced with X-Ray, and is tagged for automated retries. Needs a
 * deployed StepConnect stack (its exports) in the same account and Region.
 */
public class PartnerCallStack extends Stack {
    /** What the example calls; the defaults are template.yaml's parameter defaults. */
    public record Settings(String stepConnectStackName, String apiRoot, String apiPath, HttpMethod method,
                           String rotationSchedule, LogLevel logLevel) {
        public static Settings defaults() {
            return new Settings(StepConnect.DEFAULT_STACK_NAME, "https://api.example.com/v1", "orders",
                    HttpMethod.POST, "rate(30 days)", LogLevel.ERROR);
        }

        public String endpoint() {
            return apiRoot + "/" + apiPath;
        }
    }

    private final EventBridgeConnectionFromSecret partner;
    private final StateMachine stateMachine;

    public PartnerCallStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);
        String prefix = getStackName();

        // One secret per third-party credential (README, "Credentials secret"): an API key generated
        // here, replaced by the real one with `aws secretsmanager put-secret-value`.
        Secret credentials = Secret.Builder.create(this, "PartnerCredentials")
                .description("Partner API credential of " + prefix + " (format in the StepConnect README).")
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate("{\"authorizationType\":\"API_KEY\",\"apiKeyName\":\"x-api-key\"}")
                        .generateStringKey("apiKeyValue")
                        .passwordLength(48)
                        .excludePunctuation(true)
                        .build())
                .build();
        Tags.of(credentials).add(StepConnect.GENERATOR_TAG, "pending");

        partner = new EventBridgeConnectionFromSecret(this, "PartnerConnection",
                EventBridgeConnectionFromSecretProps.builder()
                        .connectionName(prefix + "-partner")
                        .description("Partner API connection of " + prefix)
                        .authorizationType(AuthorizationType.API_KEY)
                        .credentialsSecret(credentials)
                        .linkSecretForRotation(true)
                        .stepConnectStackName(settings.stepConnectStackName())
                        .build());
        partner.rotateCredentials(settings.rotationSchedule());

        // A role this app controls: HttpInvoke's own statements (Resource "*", no method condition) never
        // reach it, because the state machine gets it without policy updates.
        String stateMachineName = prefix + "-partner-call";
        Role role = Role.Builder.create(this, "PartnerCallRole")
                .description("Lets the example state machine call the partner API through its connection, and nothing else.")
                .assumedBy(new ServicePrincipal("states.amazonaws.com", ServicePrincipalOpts.builder()
                        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", getAccount())))
                        .build()))
                .build();
        partner.grantHttpInvoke(role, settings.endpoint(), settings.method(), stateMachineName);
        // Debugging an HTTP Task: execution events in their own log group, and X-Ray traces.
        StepConnect.grantExecutionLogDelivery(role);
        StepConnect.grantTracing(role);
        LogGroup logGroup = LogGroup.Builder.create(this, "PartnerCallLogs")
                // The /aws/vendedlogs/ prefix keeps Step Functions' log delivery within CloudWatch Logs'
                // resource policy limits.
                .logGroupName("/aws/vendedlogs/states/" + stateMachineName)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        HttpInvoke call = HttpInvoke.Builder.create(this, "CallPartnerApi")
                .stateName("CallPartnerApi")
                .connection(partner.getConnection())
                .apiRoot(settings.apiRoot())
                .apiEndpoint(TaskInput.fromText(settings.apiPath()))
                .method(TaskInput.fromText(settings.method().name()))
                .body(TaskInput.fromJsonPathAt("$"))
                .taskTimeout(Timeout.duration(Duration.seconds(60)))
                .resultSelector(Map.of("StatusCode.$", "$.StatusCode", "ResponseBody.$", "$.ResponseBody"))
                .build();
        Fail rejected = Fail.Builder.create(this, "PartnerRejected")
                .stateName("PartnerRejected")
                .comment("The partner refused the request (a 4xx other than 429): retrying the same request cannot help.")
                .error("Partner.RequestRejected")
                .causePath("$.error.Cause")
                .build();
        HttpTaskRetries.apply(call, rejected);

        stateMachine = StateMachine.Builder.create(this, "PartnerCall")
                .stateMachineName(stateMachineName)
                .stateMachineType(StateMachineType.STANDARD)
                .comment("Calls the partner API through an EventBridge connection. Transient failures (429, 5xx, "
                        + "timeouts, socket errors, a connection mid-change) are retried here with backoff and jitter; "
                        + "once these retries are spent they fail the execution from the HTTP Task itself, so that "
                        + "StepConnect's redrive re-runs the call. Definitive rejections (other 4xx) are caught into "
                        + "PartnerRejected with a clear error name; a redrive of those would only re-enter the Fail state.")
                .definitionBody(DefinitionBody.fromChainable(call))
                .role(role.withoutPolicyUpdates())
                .logs(LogOptions.builder()
                        .destination(logGroup)
                        .level(settings.logLevel())
                        .includeExecutionData(false)
                        .build())
                .tracingEnabled(true)
                .build();
        // The L2 makes the state machine depend on the role and its policy (the grant: no execution may
        // start before it exists). The role itself is already a dependency through RoleArn's GetAtt:
        // keep the policy only, so cfn-lint has no redundant DependsOn to warn about (W3005).
        CfnResource policy = (CfnResource) role.getNode().findChild("DefaultPolicy").getNode().getDefaultChild();
        ((CfnResource) stateMachine.getNode().getDefaultChild())
                .addOverride("DependsOn", List.of(getLogicalId(policy)));
        StepConnect.enableRemediation(stateMachine);

        CfnOutput.Builder.create(this, "ConnectionArn").value(partner.getConnectionArn())
                .description("ARN of the example EventBridge connection.").build();
        CfnOutput.Builder.create(this, "StateMachineArn").value(stateMachine.getStateMachineArn())
                .description("ARN of the example state machine.").build();
        CfnOutput.Builder.create(this, "CredentialsSecretArn").value(credentials.getSecretArn())
                .description("The credentials secret behind the example connection.").build();
    }

    public EventBridgeConnectionFromSecret getPartner() {
        return partner;
    }

    public StateMachine getStateMachine() {
        return stateMachine;
    }

}
