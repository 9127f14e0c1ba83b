package dev.stepconnect.cfn;

/**
 * The PhysicalResourceId of a Create that failed. CloudFormation later sends Delete with it, so it
 * must name nothing real: the colon makes it an impossible name for most AWS resources (EventBridge
 * connection names allow only {@code [.\-_A-Za-z0-9]}), so no provider can mistake it for one.
 */
public final class FailedCreateMarker {
    public static final String PREFIX = "stepconnect:failed-create:";

    private FailedCreateMarker() {
    }

    public static String forRequest(String requestId) {
        String id = requestId == null || requestId.isBlank() ? "unknown" : requestId;
        return PREFIX + (id.length() > 200 ? id.substring(0, 200) : id);
    }

    public static boolean isMarker(String physicalResourceId) {
        return physicalResourceId != null && physicalResourceId.startsWith(PREFIX);
    }
}
