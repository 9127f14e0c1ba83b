package dev.stepconnect.cdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** Small helpers for reading synthesized templates in tests. */
public final class Synth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Synth() {
    }

    /** An environment-agnostic stack in a fresh app. */
    public static Stack stack() {
        return new Stack(new App(), "Test");
    }

    /** The single resource of {@code type} (fails unless there is exactly one). */
    public static Map<String, Object> only(Template template, String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + found.keySet());
        }
        return found.values().iterator().next();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    /**
     * The state machine's definition as JSON, each intrinsic function inside the
     * {@code DefinitionString} join replaced by the text {@code <token>}.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> definition(Template template) {
        Object definition = properties(only(template, "AWS::StepFunctions::StateMachine")).get("DefinitionString");
        StringBuilder text = new StringBuilder();
        if (definition instanceof String literal) {
            text.append(literal);
        } else {
            List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) definition).get("Fn::Join")).get(1);
            for (Object part : parts) {
                text.append(part instanceof String s ? s : "<token>");
            }
        }
        try {
            return JSON.readValue(text.toString(), Map.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("definition is not JSON: " + text, e);
        }
    }

    /** Every statement of every AWS::IAM::Policy and every inline policy of every AWS::IAM::Role. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> policyStatements(Template template) {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> document = (Map<String, Object>) properties(policy).get("PolicyDocument");
            statements.addAll((List<Map<String, Object>>) document.get("Statement"));
        }
        for (Map<String, Object> role : template.findResources("AWS::IAM::Role").values()) {
            Object inline = properties(role).get("Policies");
            if (inline != null) {
                for (Map<String, Object> policy : (List<Map<String, Object>>) inline) {
                    Map<String, Object> document = (Map<String, Object>) policy.get("PolicyDocument");
                    statements.addAll((List<Map<String, Object>>) document.get("Statement"));
                }
            }
        }
        return statements;
    }

    /** Tags of a resource as key → value. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tags(Map<String, Object> resource) {
        Object tags = properties(resource).get("Tags");
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        if (tags instanceof List<?> list) {
            for (Object tag : list) {
                Map<String, Object> entry = (Map<String, Object>) tag;
                result.put((String) entry.get("Key"), entry.get("Value"));
            }
        } else if (tags instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach(result::put);
        }
        return result;
    }
}
