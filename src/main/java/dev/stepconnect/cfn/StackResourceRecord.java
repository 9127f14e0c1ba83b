package dev.stepconnect.cfn;

/**
 * What CloudFormation records about a request's stack and logical resource: the stack's status, the
 * resource's type, its current PhysicalResourceId (after a replacement: the new one; null while a
 * Create has not answered yet) and the resource's own status ({@code UPDATE_IN_PROGRESS} while
 * CloudFormation updates it; null when not known).
 */
public record StackResourceRecord(String stackStatus, String resourceType, String physicalResourceId,
                                  String resourceStatus) {
    /** A record without the resource's own status (not checked). */
    public StackResourceRecord(String stackStatus, String resourceType, String physicalResourceId) {
        this(stackStatus, resourceType, physicalResourceId, null);
    }
}
