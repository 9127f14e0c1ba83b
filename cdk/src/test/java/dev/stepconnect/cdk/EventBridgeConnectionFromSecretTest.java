package dev.stepconnect.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;

class EventBridgeConnectionFromSecretTest {
    private static final String IMPORTED_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:partner-AbCdEf";

    private static EventBridgeConnectionFromSecretProps.Builder minimal(ISecret secret) {
        return EventBridgeConnectionFromSecretProps.builder()
                .connectionName("partner")
                .authorizationType(AuthorizationType.API_KEY)
                .credentialsSecret(secret);
    }

    @Test
    void createsTheCustomResourceThroughTheStepConnectExportWithMinimalProperties() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        new EventBridgeConnectionFromSecret(stack, "Partner", minimal(secret).build());

        Template template = Template.fromStack(stack);
        template.resourceCountIs("Custom::EventBridgeConnection", 1);
        template.hasResourceProperties("Custom::EventBridgeConnection", Match.objectEquals(Map.of(
                "ServiceToken", Map.of("Fn::ImportValue", "stepconnect-ConnectionProviderServiceToken"),
                "Name", "partner",
                "AuthorizationType", "API_KEY",
                "CredentialsSecretArn", Map.of("Ref", stack.getLogicalId(
                        (software.amazon.awscdk.CfnElement) secret.getNode().getDefaultChild())),
                "LinkSecretForRotation", "false")));
    }

    @Test
    void rendersEveryOptionalPropertyInEventBridgeShape() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        Key key = new Key(stack, "ConnectionKey");
        new EventBridgeConnectionFromSecret(stack, "Partner", minimal(secret)
                .authorizationType(AuthorizationType.OAUTH_CLIENT_CREDENTIALS)
                .description("Partner API")
                .invocationHttpParameters(HttpParameters.builder()
                        .header("x-tenant", "acme").secretQueryString("sig", "s3cr3t").body("source", "stepconnect")
                        .build())
                .oauthHttpParameters(HttpParameters.builder().body("scope", "orders:write").build())
                .oauthResourceConfigurationArn("arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-0a1b2c3d4e5f6a7b8")
                .invocationResourceConfigurationArn("arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-9f8e7d6c5b4a3f2e1")
                .kmsKey(key)
                .serviceToken("arn:aws:lambda:us-east-1:111122223333:function:provider:live")
                .build());

        // Exactly interface.md's property names, EventBridge's shapes, every leaf a string (as CloudFormation sends them).
        Template.fromStack(stack).hasResourceProperties("Custom::EventBridgeConnection", Match.objectEquals(Map.ofEntries(
                Map.entry("ServiceToken", "arn:aws:lambda:us-east-1:111122223333:function:provider:live"),
                Map.entry("Name", "partner"),
                Map.entry("AuthorizationType", "OAUTH_CLIENT_CREDENTIALS"),
                Map.entry("CredentialsSecretArn", Map.of("Ref", stack.getLogicalId(
                        (software.amazon.awscdk.CfnElement) secret.getNode().getDefaultChild()))),
                Map.entry("Description", "Partner API"),
                Map.entry("InvocationHttpParameters", Map.of(
                        "HeaderParameters", List.of(Map.of("Key", "x-tenant", "Value", "acme", "IsValueSecret", "false")),
                        "QueryStringParameters", List.of(Map.of("Key", "sig", "Value", "s3cr3t", "IsValueSecret", "true")),
                        "BodyParameters", List.of(Map.of("Key", "source", "Value", "stepconnect", "IsValueSecret", "false")))),
                Map.entry("OAuthHttpParameters", Map.of(
                        "BodyParameters", List.of(Map.of("Key", "scope", "Value", "orders:write", "IsValueSecret", "false")))),
                Map.entry("OAuthConnectivityParameters", Map.of("ResourceParameters", Map.of("ResourceConfigurationArn",
                        "arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-0a1b2c3d4e5f6a7b8"))),
                Map.entry("InvocationConnectivityParameters", Map.of("ResourceParameters", Map.of("ResourceConfigurationArn",
                        "arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-9f8e7d6c5b4a3f2e1"))),
                Map.entry("KmsKeyIdentifier", Map.of("Fn::GetAtt", List.of(stack.getLogicalId(
                        (software.amazon.awscdk.CfnElement) key.getNode().getDefaultChild()), "Arn"))),
                Map.entry("LinkSecretForRotation", "false"))));
    }

    @Test
    void importsTheServiceTokenOfANamedStepConnectStack() {
        Stack stack = Synth.stack();
        new EventBridgeConnectionFromSecret(stack, "Partner", minimal(new Secret(stack, "Credentials"))
                .stepConnectStackName("stepconnect-prod").build());

        Template.fromStack(stack).hasResourceProperties("Custom::EventBridgeConnection", Match.objectLike(Map.of(
                "ServiceToken", Map.of("Fn::ImportValue", "stepconnect-prod-ConnectionProviderServiceToken"))));
    }

    @Test
    void exposesTheProviderAttributesAndAnIConnectionBuiltFromThem() {
        Stack stack = Synth.stack();
        EventBridgeConnectionFromSecret partner =
                new EventBridgeConnectionFromSecret(stack, "Partner", minimal(new Secret(stack, "Credentials")).build());
        String logicalId = stack.getLogicalId((software.amazon.awscdk.CfnElement) partner.getResource().getNode().getDefaultChild());

        assertEquals(Map.of("Fn::GetAtt", List.of(logicalId, "Arn")), stack.resolve(partner.getConnectionArn()));
        assertEquals(Map.of("Fn::GetAtt", List.of(logicalId, "Name")), stack.resolve(partner.getConnectionName()));
        assertEquals(Map.of("Fn::GetAtt", List.of(logicalId, "SecretArn")), stack.resolve(partner.getConnectionSecretArn()));
        assertEquals(stack.resolve(partner.getConnectionArn()), stack.resolve(partner.getConnection().getConnectionArn()));
        assertEquals(stack.resolve(partner.getConnectionSecretArn()),
                stack.resolve(partner.getConnection().getConnectionSecretArn()));
    }

    @Test
    void tagsASecretDefinedInTheAppAsStepConnectCredentials() {
        Stack stack = Synth.stack();
        new EventBridgeConnectionFromSecret(stack, "Partner", minimal(new Secret(stack, "Credentials")).build());

        Template template = Template.fromStack(stack);
        Map<String, Object> tags = Synth.tags(Synth.only(template, "AWS::SecretsManager::Secret"));
        assertEquals(Map.of("stepconnect:credentials", "true"), tags);
        Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    }

    @Test
    void linksASecretDefinedInTheAppByItsOwnTagNamingEveryLinkedConnection() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        new EventBridgeConnectionFromSecret(stack, "Orders", minimal(secret).connectionName("orders")
                .linkSecretForRotation(true).build());
        new EventBridgeConnectionFromSecret(stack, "Invoices", minimal(secret).connectionName("invoices")
                .linkSecretForRotation(true).build());
        new EventBridgeConnectionFromSecret(stack, "Reports", minimal(secret).connectionName("reports").build());

        Template template = Template.fromStack(stack);
        Map<String, Object> tags = Synth.tags(Synth.only(template, "AWS::SecretsManager::Secret"));
        assertEquals("orders,invoices", tags.get("stepconnect:connection"));
        assertEquals("true", tags.get("stepconnect:credentials"));
        // The tag has one owner: the provider is not asked to add it as well.
        template.allResourcesProperties("Custom::EventBridgeConnection",
                Match.objectLike(Map.of("LinkSecretForRotation", "false")));
    }

    @Test
    void anImportedSecretIsNotTaggedAndSynthWarnsWhatToDo() {
        Stack stack = Synth.stack();
        ISecret imported = Secret.fromSecretCompleteArn(stack, "Imported", IMPORTED_ARN);
        new EventBridgeConnectionFromSecret(stack, "Partner", minimal(imported).linkSecretForRotation(true).build());

        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::SecretsManager::Secret", 0);
        template.hasResourceProperties("Custom::EventBridgeConnection", Match.objectLike(Map.of(
                "CredentialsSecretArn", IMPORTED_ARN,
                // the provider tags it for rotation: this app cannot
                "LinkSecretForRotation", "true")));
        Annotations.fromStack(stack).hasWarning("/Test/Partner",
                Match.stringLikeRegexp(".*imported.*stepconnect:credentials=true.*tag-resource.*acknowledgeWarning.*"
                        + EventBridgeConnectionFromSecret.IMPORTED_SECRET_WARNING + ".*"));
    }

    @Test
    void theWarningNamesAnImportedSecretAsWrittenNotAsATokenPlaceholder() {
        Stack stack = Synth.stack();
        new EventBridgeConnectionFromSecret(stack, "Partner",
                minimal(Secret.fromSecretNameV2(stack, "ByName", "partners/orders-api")).build());

        Annotations.fromStack(stack).hasWarning("/Test/Partner",
                Match.stringLikeRegexp("The credentials secret partners/orders-api is imported.*"));
        Annotations.fromStack(stack).hasNoWarning("/Test/Partner", Match.stringLikeRegexp(".*Token\\[.*"));
    }

    @Test
    void theImportedSecretWarningCanBeAcknowledged() {
        Stack stack = Synth.stack();
        EventBridgeConnectionFromSecret partner = new EventBridgeConnectionFromSecret(stack, "Partner",
                minimal(Secret.fromSecretCompleteArn(stack, "Imported", IMPORTED_ARN)).build());
        software.amazon.awscdk.Annotations.of(partner).acknowledgeWarning(EventBridgeConnectionFromSecret.IMPORTED_SECRET_WARNING);

        Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    }

    @Test
    void rejectsAnInvalidConnectionNameAtSynthTimeButLeavesTokensToDeployTime() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        StepConnectValidationException spaces = assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "Bad", minimal(secret).connectionName("partner api").build()));
        assertTrue(spaces.getMessage().contains("Test/Bad"), spaces.getMessage());
        assertTrue(spaces.getMessage().contains("'partner api'"), spaces.getMessage());
        assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "Long", minimal(secret).connectionName("x".repeat(65)).build()));
        assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "Missing", minimal(secret).connectionName(null).build()));

        new EventBridgeConnectionFromSecret(stack, "Token", minimal(secret)
                .connectionName(Fn.join("-", List.of(stack.getStackName(), "partner"))).build());
        new EventBridgeConnectionFromSecret(stack, "Edge", minimal(secret).connectionName("a.b-c_D9" + "x".repeat(56)).build());
    }

    @Test
    void rejectsAStepConnectStackNameNoStackCanHave() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        String[] bad = {"step_connect", "1stepconnect", "stepconnect prod", "s".repeat(129)};
        for (int i = 0; i < bad.length; i++) {
            String id = "Bad" + i;
            String name = bad[i];
            StepConnectValidationException e = assertThrows(StepConnectValidationException.class, () ->
                    new EventBridgeConnectionFromSecret(stack, id, minimal(secret).stepConnectStackName(name).build()), name);
            assertTrue(e.getMessage().startsWith("Test/" + id + ": stepConnectStackName '" + name + "' is not a "
                    + "CloudFormation stack name"), e.getMessage());
        }
        new EventBridgeConnectionFromSecret(stack, "Longest", minimal(secret).stepConnectStackName("s".repeat(128)).build());
    }

    @Test
    void rejectsAMissingSecretOrAuthorizationType() {
        Stack stack = Synth.stack();
        StepConnectValidationException noSecret = assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "NoSecret", minimal(null).build()));
        assertTrue(noSecret.getMessage().startsWith("Test/NoSecret: credentialsSecret is required"), noSecret.getMessage());
        StepConnectValidationException noType = assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "NoType",
                        minimal(new Secret(stack, "Credentials")).authorizationType(null).build()));
        assertTrue(noType.getMessage().contains("authorizationType is required"), noType.getMessage());
    }

    @Test
    void rejectsOAuthSettingsOnOtherAuthorizationTypesAndOverlongDescriptions() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        assertThrows(StepConnectValidationException.class, () -> new EventBridgeConnectionFromSecret(stack, "A",
                minimal(secret).oauthHttpParameters(HttpParameters.builder().body("scope", "x").build()).build()));
        assertThrows(StepConnectValidationException.class, () -> new EventBridgeConnectionFromSecret(stack, "B",
                minimal(secret).authorizationType(AuthorizationType.BASIC).oauthResourceConfigurationArn(
                        "arn:aws:vpc-lattice:us-east-1:111122223333:resourceconfiguration/rcfg-0a1b2c3d4e5f6a7b8").build()));
        StepConnectValidationException tooLong = assertThrows(StepConnectValidationException.class,
                () -> new EventBridgeConnectionFromSecret(stack, "C", minimal(secret).description("d".repeat(402)).build()));
        assertTrue(tooLong.getMessage().startsWith("Test/C: description must be at most 401 characters"), tooLong.getMessage());
        new EventBridgeConnectionFromSecret(stack, "Longest", minimal(secret).description("d".repeat(401)).build());
        assertThrows(StepConnectValidationException.class, () -> HttpParameters.builder().header(" ", "v"));
    }

    @Test
    void rejectsAResourceConfigurationArnTheProviderWouldRefuse() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        StepConnectValidationException invocation = assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "A", minimal(secret)
                        .invocationResourceConfigurationArn("arn:aws:vpc-lattice:us-east-1:111122223333:resourcegateway/rgw-0a1b2c3d4e5f6a7b8")
                        .build()));
        assertTrue(invocation.getMessage().startsWith("Test/A: invocationResourceConfigurationArn 'arn:aws:vpc-lattice:"
                + "us-east-1:111122223333:resourcegateway/rgw-0a1b2c3d4e5f6a7b8' is not a VPC Lattice resource "
                + "configuration ARN"), invocation.getMessage());
        StepConnectValidationException oauth = assertThrows(StepConnectValidationException.class, () ->
                new EventBridgeConnectionFromSecret(stack, "B", minimal(secret)
                        .authorizationType(AuthorizationType.OAUTH_CLIENT_CREDENTIALS)
                        .oauthResourceConfigurationArn("rcfg-0a1b2c3d4e5f6a7b8").build()));
        assertTrue(oauth.getMessage().contains("oauthResourceConfigurationArn 'rcfg-0a1b2c3d4e5f6a7b8' is not a VPC Lattice"),
                oauth.getMessage());
        // a token (e.g. another stack's output) is the provider's to check at deploy time
        new EventBridgeConnectionFromSecret(stack, "C", minimal(secret).connectionName("c")
                .invocationResourceConfigurationArn(Fn.importValue("network-OrdersResourceConfigurationArn")).build());
    }

    @Test
    void rotatesTheSecretWithStepConnectsRotationFunctionAfterTheConnectionExists() {
        Stack stack = Synth.stack();
        Secret secret = new Secret(stack, "Credentials");
        EventBridgeConnectionFromSecret partner = new EventBridgeConnectionFromSecret(stack, "Partner",
                minimal(secret).linkSecretForRotation(true).stepConnectStackName("sc").build());
        partner.rotateCredentials("rate(30 days)");

        Template template = Template.fromStack(stack);
        String connectionId = stack.getLogicalId((software.amazon.awscdk.CfnElement) partner.getResource().getNode().getDefaultChild());
        template.hasResource("AWS::SecretsManager::RotationSchedule", Match.objectEquals(Map.of(
                "Type", "AWS::SecretsManager::RotationSchedule",
                "Properties", Map.of(
                        "SecretId", Map.of("Ref", stack.getLogicalId((software.amazon.awscdk.CfnElement) secret.getNode().getDefaultChild())),
                        "RotationLambdaARN", Map.of("Fn::ImportValue", "sc-RotationFunctionArn"),
                        "RotateImmediatelyOnUpdate", false,
                        "RotationRules", Map.of("ScheduleExpression", "rate(30 days)")),
                "DependsOn", List.of(connectionId))));
    }

    @Test
    void rotationNeedsTheRotationLinkAndAScheduleExpression() {
        Stack stack = Synth.stack();
        EventBridgeConnectionFromSecret unlinked = new EventBridgeConnectionFromSecret(stack, "Unlinked",
                minimal(new Secret(stack, "A")).build());
        StepConnectValidationException e = assertThrows(StepConnectValidationException.class,
                () -> unlinked.rotateCredentials("rate(30 days)"));
        assertTrue(e.getMessage().contains("linkSecretForRotation(true)"), e.getMessage());

        EventBridgeConnectionFromSecret linked = new EventBridgeConnectionFromSecret(stack, "Linked",
                minimal(new Secret(stack, "B")).connectionName("b").linkSecretForRotation(true).build());
        assertThrows(StepConnectValidationException.class, () -> linked.rotateCredentials("30 days"));
        assertFalse(Template.fromStack(stack).findResources("AWS::SecretsManager::RotationSchedule").size() > 0);
    }
}
