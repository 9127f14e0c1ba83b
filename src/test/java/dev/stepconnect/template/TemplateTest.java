package dev.stepconnect.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stepconnect.json.Json;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules about template.yaml and the files it points at, checked on every build so they stay true. */
class TemplateTest {
    private static final Path TEMPLATE = Path.of("template.yaml");
    private static final Pattern INLINE_WILDCARD = Pattern.compile("^\\s*Resource:\\s*[\"']?\\*[\"']?\\s*(#.*)?$");
    private static final Pattern LIST_WILDCARD = Pattern.compile("^\\s*-\\s*[\"']?\\*[\"']?\\s*(#.*)?$");
    private static final Pattern HANDLER = Pattern.compile("^\\s*Handler:\\s*([\\w.$]+)::(\\w+)\\s*$");
    private static final Pattern DEFINITION_URI = Pattern.compile("^\\s*DefinitionUri:\\s*(\\S+)\\s*$");

    private static List<String> templateLines() throws IOException {
        return Files.readAllLines(TEMPLATE);
    }

    /** IAM: no Resource "*" except for actions AWS only allows on "*", and each such line says why. */
    @Test
    void everyWildcardResourceCarriesAComment() throws IOException {
        List<String> lines = templateLines();
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean wildcard = INLINE_WILDCARD.matcher(line).matches()
                    || (LIST_WILDCARD.matcher(line).matches() && underResourceKey(lines, i));
            if (wildcard && !line.contains("#") && !lines.get(i - 1).trim().startsWith("#")) {
                uncommented.add((i + 1) + ": " + line.trim());
            }
        }
        assertThat(uncommented).as("Resource \"*\" lines without a comment explaining why").isEmpty();
    }

    @Test
    void theWildcardCheckRecognisesBothYamlForms() {
        assertThat(INLINE_WILDCARD.matcher("              Resource: \"*\"").matches()).isTrue();
        assertThat(INLINE_WILDCARD.matcher("              Resource: '*'  # only * is allowed").matches()).isTrue();
        assertThat(INLINE_WILDCARD.matcher("              Resource: !Sub arn:aws:events:*:*:connection/*").matches()).isFalse();
        assertThat(LIST_WILDCARD.matcher("                - \"*\"").matches()).isTrue();
        assertThat(underResourceKey(List.of("Resource:", "  - \"*\""), 1)).isTrue();
        assertThat(underResourceKey(List.of("Action:", "  - \"*\""), 1)).isFalse();
    }

    private static boolean underResourceKey(List<String> lines, int index) {
        for (int i = index - 1; i >= 0; i--) {
            String trimmed = lines.get(i).trim();
            if (trimmed.startsWith("-") || trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            return trimmed.startsWith("Resource:") || trimmed.startsWith("NotResource:");
        }
        return false;
    }

    /** What `sam build` deploys must be loadable by the Lambda runtime: a stream handler with a public no-arg constructor. */
    @Test
    void everyHandlerNamesALoadableStreamHandler() throws Exception {
        Set<String> handlers = new LinkedHashSet<>();
        for (String line : templateLines()) {
            Matcher matcher = HANDLER.matcher(line);
            if (matcher.matches()) {
                handlers.add(matcher.group(1));
                assertThat(matcher.group(2)).isEqualTo("handleRequest");
            }
        }
        assertThat(handlers).hasSize(5);
        for (String handler : handlers) {
            Class<?> type = Class.forName(handler, false, getClass().getClassLoader());
            assertThat(RequestStreamHandler.class).as(handler).isAssignableFrom(type);
            assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).as(handler).isTrue();
        }
    }

    @Test
    void stateMachineDefinitionsExistParseAndHaveTheirSubstitutions() throws IOException {
        List<String> lines = templateLines();
        int found = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = DEFINITION_URI.matcher(lines.get(i));
            if (!matcher.matches()) {
                continue;
            }
            found++;
            Path definition = Path.of(matcher.group(1));
            assertThat(definition).exists();
            String text = Files.readString(definition);
            Json.parseObject(text);
            String rest = String.join("\n", lines.subList(i, Math.min(lines.size(), i + 15)));
            Matcher variables = Pattern.compile("\\$\\{(\\w+)}").matcher(text);
            while (variables.find()) {
                assertThat(rest).as("DefinitionSubstitutions for ${" + variables.group(1) + "}")
                        .containsPattern("\\n\\s+" + variables.group(1) + ":");
            }
        }
        assertThat(found).isPositive();
    }

    @Test
    void sampleEventsAreValidJson() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            List<Path> events = files.filter(p -> p.toString().endsWith(".json")).toList();
            for (Path event : events) {
                Json.parseObject(Files.readString(event));
            }
        }
    }

    /**
     * #10 section 3: every Secrets Manager permission of the functions that read or tag users' credentials
     * secrets is conditioned on the owner's opt-in tag; only the connections' own managed secrets
     * ({@code events!connection/*}, written by EventBridge on our behalf) are exempt.
     */
    @Test
    void credentialsSecretPermissionsRequireTheOwnersOptInTag() throws IOException {
        List<String> lines = templateLines();
        for (String function : List.of("ConnectionProviderFunction", "RotationFunction")) {
            List<String> statements = statementsOf(lines, function);
            assertThat(statements).as(function).isNotEmpty();
            int conditioned = 0;
            for (String statement : statements) {
                if (!statement.contains("secretsmanager:") || statement.contains("secret:events!connection/*")) {
                    continue;
                }
                assertThat(statement).as(function + " statement\n" + statement)
                        .contains("aws:ResourceTag/stepconnect:credentials: \"true\"");
                conditioned++;
            }
            assertThat(conditioned).as(function).isPositive();
        }
        String exampleSecret = String.join("\n", block(lines, "  ExampleCredentialsSecret:"));
        assertThat(exampleSecret).containsPattern("Key: stepconnect:credentials\\s+Value: \"true\"");
    }

    /** The policy statements (from one {@code - Sid:} to the next) of the resource {@code logicalId}. */
    private static List<String> statementsOf(List<String> lines, String logicalId) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = null;
        for (String line : block(lines, "  " + logicalId + ":")) {
            if (line.trim().startsWith("- Sid:")) {
                if (current != null) {
                    statements.add(current.toString());
                }
                current = new StringBuilder();
            }
            if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            statements.add(current.toString());
        }
        return statements;
    }

    /** The lines of a top-level resource, from its key to the next resource key at the same indentation. */
    private static List<String> block(List<String> lines, String key) {
        int start = lines.indexOf(key);
        assertThat(start).as(key).isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).matches("^  [A-Za-z0-9]+:.*")) {
            end++;
        }
        return lines.subList(start, end);
    }
}
