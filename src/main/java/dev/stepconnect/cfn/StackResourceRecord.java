package dev.stepconnect.cfn;

/**
 * What CloudFormation records about a request's stack and logical resource: the stack's status, the
 * resource's type and its current PhysicalResourceId (after a replacement: the new one; null while a
 * Create has not answered yet).
 */
public record StackResourceRecord(String stackStatus, String resourceType, String physicalResourceId) {
}
