package dev.stepconnect.cfn;

import java.util.Optional;
import java.util.Set;

/**
 * In which stack states CloudFormation sends which custom resource request. A request that arrives
 * while its stack is in none of them was not sent by CloudFormation (or no longer matters to it).
 *
 * <ul>
 *   <li>Create: while the stack is created or updated (a resource added by the update);</li>
 *   <li>Update: while the stack updates (and CloudFormation records the resource itself as
 *       {@code UPDATE_IN_PROGRESS}), or rolls an update back;</li>
 *   <li>Delete: while the stack is deleted, rolls a create or update back (a resource whose Create
 *       failed or was cancelled), or cleans up after an update (a replaced or removed resource); the
 *       PhysicalResourceId CloudFormation currently records only while the resource is
 *       {@code DELETE_IN_PROGRESS}.</li>
 * </ul>
 *
 * @see <a href="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html">Stack status codes</a>
 * @see <a href="https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-requesttypes.html">Custom resource request types</a>
 * @see <a href="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-monitor-stack.html">Monitor the progress of a stack update</a>
 */
public final class StackOperations {
    private static final Set<String> CREATE = Set.of("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS");
    private static final Set<String> UPDATE = Set.of("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS");
    private static final Set<String> DELETE = Set.of("DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS",
            "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");

    private StackOperations() {
    }

    /** Whether CloudFormation sends {@code type} requests while a stack is in {@code stackStatus}. */
    public static boolean sends(RequestType type, String stackStatus) {
        Set<String> statuses = switch (type) {
            case Create -> CREATE;
            case Update -> UPDATE;
            case Delete -> DELETE;
        };
        return stackStatus != null && statuses.contains(stackStatus);
    }

    /**
     * Why {@code request} cannot have come from CloudFormation given what CloudFormation records about
     * its stack resource; empty when it is consistent with it.
     */
    public static Optional<String> refusal(CustomResourceRequest request, StackResourceRecord record) {
        if (!sends(request.requestType(), record.stackStatus())) {
            return Optional.of("stack is " + record.stackStatus() + ", a state in which CloudFormation sends no "
                    + request.requestType() + " request");
        }
        // While a stack updates, CloudFormation sends an Update only to a resource it is updating, which it
        // records as UPDATE_IN_PROGRESS first: another resource's Update was timed into the stack's update by
        // someone else. (A rollback is not narrowed: its per-resource statuses are not documented as clearly.)
        if (request.requestType() == RequestType.Update && "UPDATE_IN_PROGRESS".equals(record.stackStatus())
                && record.resourceStatus() != null && !"UPDATE_IN_PROGRESS".equals(record.resourceStatus())) {
            return Optional.of("stack resource " + request.target().logicalResourceId() + " is "
                    + record.resourceStatus() + ", not being updated by its stack's update");
        }
        // The connection CloudFormation records for the resource is deleted only once CloudFormation has marked
        // the resource DELETE_IN_PROGRESS: in a cleanup or an update rollback the live one is kept, and a Delete
        // of it was timed into that operation by someone else. (A replaced one's id differs from the record.)
        if (request.requestType() == RequestType.Delete && record.resourceStatus() != null
                && request.physicalResourceId() != null && request.physicalResourceId().equals(record.physicalResourceId())
                && !"DELETE_IN_PROGRESS".equals(record.resourceStatus())) {
            return Optional.of("stack resource " + request.target().logicalResourceId() + " is "
                    + record.resourceStatus() + " with this PhysicalResourceId, not being deleted");
        }
        if (request.resourceType() != null && record.resourceType() != null
                && !request.resourceType().equals(record.resourceType())) {
            return Optional.of("stack resource " + request.target().logicalResourceId() + " is a "
                    + record.resourceType() + ", not a " + request.resourceType());
        }
        return Optional.empty();
    }
}
