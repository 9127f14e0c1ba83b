package dev.stepconnect.cdk.readme;

import dev.stepconnect.cdk.AuthorizationType;
import dev.stepconnect.cdk.EventBridgeConnectionFromSecret;
import dev.stepconnect.cdk.EventBridgeConnectionFromSecretProps;
import dev.stepconnect.cdk.HttpMethod;
import dev.stepconnect.cdk.HttpTaskRetries;
import dev.stepconnect.cdk.StepConnect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.tasks.HttpInvoke;
import software.constructs.Construct;

public class PartnerStack extends Stack {
    public PartnerStack(Construct scope, String id) {
        super(scope, id);

        // The partner credential (README, "Pointing it at your partner API"); tagged stepconnect:credentials=true by the construct.
        Secret credentials = Secret.Builder.create(this, "OrdersApiKey")
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate("{\"apiKeyName\":\"x-api-key\"}")
                        .generateStringKey("apiKeyValue")
                        .excludePunctuation(true)
                        .build())
                .build();

        // The connection, through the deployed StepConnect stack's export (stack name "stepconnect").
        EventBridgeConnectionFromSecret orders = new EventBridgeConnectionFromSecret(this, "OrdersApi",
                EventBridgeConnectionFromSecretProps.builder()
                        .connectionName("orders-api")
                        .authorizationType(AuthorizationType.API_KEY)
                        .credentialsSecret(credentials)
                        .linkSecretForRotation(true)
                        .build());
        orders.rotateCredentials("rate(30 days)");

        // A role with exactly the HTTP Task's permissions; the state machine cannot add to it.
        Role role = Role.Builder.create(this, "OrdersCallRole")
                .assumedBy(new ServicePrincipal("states.amazonaws.com"))
                .build();
        orders.grantHttpInvoke(role, "https://api.example.com/v1/orders", HttpMethod.POST, "orders-call");

        HttpInvoke call = HttpInvoke.Builder.create(this, "CallOrdersApi")
                .connection(orders.getConnection())
                .apiRoot("https://api.example.com/v1")
                .apiEndpoint(TaskInput.fromText("orders"))
                .method(TaskInput.fromText("POST"))
                .body(TaskInput.fromJsonPathAt("$"))
                .build();
        // Retry 429/5xx/timeouts in the task, fail from the task when spent; catch only definitive 4xx.
        HttpTaskRetries.apply(call, Fail.Builder.create(this, "Rejected").errorPath("$.error.Error").build());

        StateMachine machine = StateMachine.Builder.create(this, "OrdersCall")
                .stateMachineName("orders-call")
                .definitionBody(DefinitionBody.fromChainable(call))
                .role(role.withoutPolicyUpdates())
                .build();
        StepConnect.enableRemediation(machine); // tag stepconnect:auto-retry=true
    }
}
