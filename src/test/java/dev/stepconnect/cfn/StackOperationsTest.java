package dev.stepconnect.cfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackOperationsTest {
    private static final List<String> AT_REST = List.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "ROLLBACK_COMPLETE",
            "UPDATE_ROLLBACK_COMPLETE", "DELETE_COMPLETE", "CREATE_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED");

    @Test
    void updatesComeOnlyWhileAStackUpdatesOrRollsAnUpdateBack() {
        assertThat(StackOperations.sends(RequestType.Update, "UPDATE_IN_PROGRESS")).isTrue();
        assertThat(StackOperations.sends(RequestType.Update, "UPDATE_ROLLBACK_IN_PROGRESS")).isTrue();
        for (String status : List.of("CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS",
                "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")) {
            assertThat(StackOperations.sends(RequestType.Update, status)).as(status).isFalse();
        }
        AT_REST.forEach(status -> assertThat(StackOperations.sends(RequestType.Update, status)).as(status).isFalse());
    }

    @Test
    void deletesComeWhileAStackIsDeletedRolledBackOrCleanedUp() {
        for (String status : List.of("DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS",
                "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")) {
            assertThat(StackOperations.sends(RequestType.Delete, status)).as(status).isTrue();
        }
        assertThat(StackOperations.sends(RequestType.Delete, "UPDATE_IN_PROGRESS")).isFalse();
        assertThat(StackOperations.sends(RequestType.Delete, null)).isFalse();
        AT_REST.forEach(status -> assertThat(StackOperations.sends(RequestType.Delete, status)).as(status).isFalse());
    }

    @Test
    void createsComeWhileAStackIsCreatedOrUpdated() {
        assertThat(StackOperations.sends(RequestType.Create, "CREATE_IN_PROGRESS")).isTrue();
        assertThat(StackOperations.sends(RequestType.Create, "UPDATE_IN_PROGRESS")).isTrue();
        assertThat(StackOperations.sends(RequestType.Create, "ROLLBACK_IN_PROGRESS")).isFalse();
        assertThat(StackOperations.sends(RequestType.Create, "UPDATE_ROLLBACK_IN_PROGRESS")).isFalse();
    }

    @Test
    void importsAndReviewsSendNoCustomResourceRequest() {
        // Resource import cannot include custom resources and changes nothing else; a stack under review
        // (change set not executed) runs nothing.
        for (String status : List.of("IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS",
                "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS", "UPDATE_FAILED")) {
            for (RequestType type : RequestType.values()) {
                assertThat(StackOperations.sends(type, status)).as(type + " in " + status).isFalse();
            }
        }
    }

    @Test
    void aResourceOfAnotherTypeIsRefused() {
        CustomResourceRequest request = new CustomResourceRequest(RequestType.Delete,
                new ResponseTarget(URI.create("https://example.com/r"), "arn:aws:cloudformation:us-east-1:1:stack/s/1",
                        "r1", "Conn"), "Custom::EventBridgeConnection", "conn", Json.parseObject("{}"),
                Json.parseObject("{}"), new Continuation(0, Instant.EPOCH, false));

        assertThat(StackOperations.refusal(request, new StackResourceRecord("DELETE_IN_PROGRESS",
                "Custom::EventBridgeConnection", "conn"))).isEmpty();
        assertThat(StackOperations.refusal(request, new StackResourceRecord("DELETE_IN_PROGRESS",
                "AWS::Lambda::Function", "conn"))).hasValueSatisfying(why -> assertThat(why).contains("AWS::Lambda::Function"));
        assertThat(StackOperations.refusal(request, new StackResourceRecord("UPDATE_COMPLETE",
                "Custom::EventBridgeConnection", "conn"))).hasValueSatisfying(why -> assertThat(why).contains("UPDATE_COMPLETE"));
    }

    /** Issue #10 §5: an Update timed into another resource's stack update is not CloudFormation's. */
    @Test
    void anUpdateWhileTheStackUpdatesIsConfirmedOnlyForAResourceBeingUpdated() {
        CustomResourceRequest request = new CustomResourceRequest(RequestType.Update,
                new ResponseTarget(URI.create("https://example.com/r"), "arn:aws:cloudformation:us-east-1:1:stack/s/1",
                        "r1", "Conn"), "Custom::EventBridgeConnection", "conn", Json.parseObject("{}"),
                Json.parseObject("{}"), new Continuation(0, Instant.EPOCH, false));
        String type = "Custom::EventBridgeConnection";

        assertThat(StackOperations.refusal(request, new StackResourceRecord("UPDATE_IN_PROGRESS", type, "conn",
                "UPDATE_IN_PROGRESS"))).isEmpty();
        for (String notUpdating : java.util.List.of("UPDATE_COMPLETE", "CREATE_COMPLETE", "UPDATE_FAILED")) {
            assertThat(StackOperations.refusal(request, new StackResourceRecord("UPDATE_IN_PROGRESS", type, "conn",
                    notUpdating))).as(notUpdating).hasValueSatisfying(why -> assertThat(why).contains(notUpdating));
        }
        // Rollbacks are not narrowed, and an unknown resource status is not held against the request.
        assertThat(StackOperations.refusal(request, new StackResourceRecord("UPDATE_ROLLBACK_IN_PROGRESS", type, "conn",
                "UPDATE_COMPLETE"))).isEmpty();
        assertThat(StackOperations.refusal(request, new StackResourceRecord("UPDATE_IN_PROGRESS", type, "conn"))).isEmpty();
    }

    /** Issue #10 §5: the connection CloudFormation records for the resource is deleted only while it deletes it. */
    @Test
    void aDeleteOfTheRecordedConnectionIsConfirmedOnlyWhileTheResourceIsBeingDeleted() {
        CustomResourceRequest request = new CustomResourceRequest(RequestType.Delete,
                new ResponseTarget(URI.create("https://example.com/r"), "arn:aws:cloudformation:us-east-1:1:stack/s/1",
                        "r1", "Conn"), "Custom::EventBridgeConnection", "conn", Json.parseObject("{}"),
                Json.parseObject("{}"), new Continuation(0, Instant.EPOCH, false));
        String type = "Custom::EventBridgeConnection";

        for (String stack : java.util.List.of("DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS",
                "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")) {
            assertThat(StackOperations.refusal(request, new StackResourceRecord(stack, type, "conn", "DELETE_IN_PROGRESS")))
                    .as(stack).isEmpty();
            assertThat(StackOperations.refusal(request, new StackResourceRecord(stack, type, "conn", "UPDATE_COMPLETE")))
                    .as(stack).hasValueSatisfying(why -> assertThat(why).contains("not being deleted"));
            // A replaced connection: CloudFormation already records the new one, whatever its status.
            assertThat(StackOperations.refusal(request, new StackResourceRecord(stack, type, "conn-new", "UPDATE_COMPLETE")))
                    .as(stack).isEmpty();
        }
    }
}
