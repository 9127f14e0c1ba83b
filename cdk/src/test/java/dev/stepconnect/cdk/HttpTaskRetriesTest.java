package dev.stepconnect.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.Connection;
import software.amazon.awscdk.services.events.ConnectionAttributes;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.tasks.HttpInvoke;

class HttpTaskRetriesTest {

    private static final Path PARTNER_CALL_ASL = Path.of("..", "statemachine", "partner-call.asl.json");

    private static Map<String, Object> httpTask() {
        return httpTask("Failed");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> httpTask(String failStateId) {
        Stack stack = Synth.stack();
        HttpInvoke call = HttpInvoke.Builder.create(stack, "Call")
                .connection(Connection.fromConnectionAttributes(stack, "Connection", ConnectionAttributes.builder()
                        .connectionName("partner")
                        .connectionArn("arn:aws:events:us-east-1:111122223333:connection/partner/0a1b")
                        .connectionSecretArn("arn:aws:secretsmanager:us-east-1:111122223333:secret:events!connection/partner/0a1b-XyZ")
                        .build()))
                .apiRoot("https://api.example.com").apiEndpoint(TaskInput.fromText("orders"))
                .method(TaskInput.fromText("POST"))
                .build();
        HttpTaskRetries.apply(call, Fail.Builder.create(stack, failStateId).errorPath("$.error.Error").causePath("$.error.Cause").build());
        StateMachine.Builder.create(stack, "Machine").definitionBody(DefinitionBody.fromChainable(call)).build();
        Map<String, Object> states = (Map<String, Object>) Synth.definition(Template.fromStack(stack)).get("States");
        return (Map<String, Object>) states.get("Call");
    }

    /** The HTTP Task ({@code arn:aws:states:::http:invoke}) of SAM's example definition. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> samHttpTask() throws IOException {
        Map<String, Object> definition = new ObjectMapper().readValue(Files.readString(PARTNER_CALL_ASL), Map.class);
        List<Map<String, Object>> httpTasks = ((Map<String, Map<String, Object>>) definition.get("States")).values().stream()
                .filter(state -> "arn:aws:states:::http:invoke".equals(state.get("Resource")))
                .toList();
        assertEquals(1, httpTasks.size(), PARTNER_CALL_ASL + " has one HTTP Task");
        return httpTasks.get(0);
    }

    @Test
    void retriesAndCatchesExactlyAsTheSamExampleDefinitionSoTheTwoCannotDrift() throws IOException {
        Map<String, Object> sam = samHttpTask();
        @SuppressWarnings("unchecked")
        String samFailState = (String) ((List<Map<String, Object>>) sam.get("Catch")).get(0).get("Next");
        // The CDK failure state takes the SAM one's name, so the whole Retry and Catch lists compare as they are:
        // error lists in order, IntervalSeconds, BackoffRate, MaxAttempts, MaxDelaySeconds, JitterStrategy, ResultPath.
        Map<String, Object> cdk = httpTask(samFailState);
        assertEquals(sam.get("Retry"), cdk.get("Retry"), "HttpTaskRetries.apply vs " + PARTNER_CALL_ASL + " Retry");
        assertEquals(sam.get("Catch"), cdk.get("Catch"), "HttpTaskRetries.apply vs " + PARTNER_CALL_ASL + " Catch");
    }

    @Test
    @SuppressWarnings("unchecked")
    void retriesTransientFailuresWithBackoffAndJitter() {
        List<Map<String, Object>> retry = (List<Map<String, Object>>) httpTask().get("Retry");
        assertEquals(List.of(Map.of(
                "ErrorEquals", HttpTaskRetries.RETRYABLE,
                "IntervalSeconds", 2,
                "BackoffRate", 2,
                "MaxAttempts", 3,
                "MaxDelaySeconds", 30,
                "JitterStrategy", "FULL")), retry);
        assertTrue(HttpTaskRetries.RETRYABLE.containsAll(List.of("States.Http.StatusCode.429", "States.Http.StatusCode.503",
                "States.Timeout", "Events.ConnectionResource.ConcurrentModification",
                "Events.ConnectionResource.AuthInProgress", "Events.ConnectionResource.InternalError")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void catchesOnlyDefinitiveClientErrorsSoThatEveryRetryableFailureFailsFromTheHttpTask() {
        List<Map<String, Object>> catchers = (List<Map<String, Object>>) httpTask().get("Catch");
        assertEquals(1, catchers.size());
        Map<String, Object> catcher = catchers.get(0);
        assertEquals(Map.of("ErrorEquals", HttpTaskRetries.DEFINITIVE, "ResultPath", "$.error", "Next", "Failed"), catcher);

        List<String> caught = (List<String>) catcher.get("ErrorEquals");
        assertFalse(caught.contains("States.ALL"), "a catch-all would make a redrive re-enter the Fail state");
        assertFalse(caught.contains("States.TaskFailed"));
        List<String> overlap = new ArrayList<>(caught);
        overlap.retainAll(HttpTaskRetries.RETRYABLE);
        assertEquals(List.of(), overlap, "retryable errors must fail the execution from the HTTP Task");
        for (String error : caught) {
            int status = Integer.parseInt(error.substring("States.Http.StatusCode.".length()));
            assertTrue(status >= 400 && status < 500 && status != 408 && status != 429, error);
        }
        assertFalse(caught.stream().anyMatch(e -> e.startsWith("Events.ConnectionResource.")),
                "connection errors are classified by remediation (retried later or reported), never swallowed");
    }
}
