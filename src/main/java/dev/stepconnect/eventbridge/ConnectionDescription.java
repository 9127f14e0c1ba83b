package dev.stepconnect.eventbridge;

import java.util.Set;

/**
 * What DescribeConnection tells about a connection, as plain values (no write-only fields exist here).
 * {@code kmsKeyIdentifier} is null for connections encrypted with an AWS owned key.
 */
public record ConnectionDescription(String name, String arn, String state, String stateReason,
                                    String authorizationType, String secretArn, String kmsKeyIdentifier) {
    private static final Set<String> READY = Set.of("AUTHORIZED", "ACTIVE");
    private static final Set<String> CHANGING = Set.of("CREATING", "UPDATING", "DELETING", "AUTHORIZING", "DEAUTHORIZING");

    /** AUTHORIZED (public endpoints) or ACTIVE (private APIs): usable by HTTP Tasks. */
    public boolean isReady() {
        return READY.contains(state);
    }

    /** Mid-change: wait and look again. */
    public boolean isChanging() {
        return CHANGING.contains(state);
    }
}
