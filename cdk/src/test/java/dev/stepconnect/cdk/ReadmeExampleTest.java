package dev.stepconnect.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stepconnect.cdk.readme.PartnerStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The README's CDK example is this test's {@code PartnerStack}, verbatim, and synthesizes as described. */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE = Path.of("src/test/java/dev/stepconnect/cdk/readme/PartnerStack.java");

    @Test
    void theReadmeShowsThisTestsExampleVerbatim() throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("\n## CDK (Java)");
        assertTrue(section >= 0, "README has a '## CDK (Java)' section");
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("```", start + 8);
        assertTrue(start > 0 && end > start, "the CDK section has a java code block");
        String block = readme.substring(start + "```java\n".length(), end);

        String source = Files.readString(EXAMPLE);
        String withoutPackage = source.substring(source.indexOf('\n', source.indexOf("package ")) + 1).stripLeading();
        assertEquals(withoutPackage, block);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExampleSynthesizesWithExactlyTheHttpTaskGrantAndTheRemediationTag() {
        PartnerStack stack = new PartnerStack(new App(), "orders");
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("Custom::EventBridgeConnection", Match.objectLike(Map.of(
                "ServiceToken", Map.of("Fn::ImportValue", "stepconnect-ConnectionProviderServiceToken"),
                "Name", "orders-api", "AuthorizationType", "API_KEY", "LinkSecretForRotation", "false")));
        assertEquals(Map.of("stepconnect:credentials", "true", "stepconnect:connection", "orders-api"),
                Synth.tags(Synth.only(template, "AWS::SecretsManager::Secret")));
        template.resourceCountIs("AWS::SecretsManager::RotationSchedule", 1);

        List<Map<String, Object>> statements = Synth.policyStatements(template);
        assertEquals(List.of("states:InvokeHTTPEndpoint", "events:RetrieveConnectionCredentials",
                        List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")),
                statements.stream().map(s -> s.get("Action")).toList());
        statements.forEach(s -> assertFalse(String.valueOf(s.get("Resource")).contains("*"), s.toString()));

        Map<String, Object> machine = Synth.only(template, "AWS::StepFunctions::StateMachine");
        assertEquals(Map.of("stepconnect:auto-retry", "true"), Synth.tags(machine));
        @SuppressWarnings("unchecked")
        Map<String, Object> call = (Map<String, Object>) ((Map<String, Object>) Synth.definition(template).get("States"))
                .get("CallOrdersApi");
        assertEquals(HttpTaskRetries.DEFINITIVE,
                ((List<Map<String, Object>>) call.get("Catch")).get(0).get("ErrorEquals"));
        Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
    }
}
