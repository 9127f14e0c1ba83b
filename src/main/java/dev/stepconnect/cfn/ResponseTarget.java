package dev.stepconnect.cfn;

import java.net.URI;

/**
 * Where an answer goes and the identifiers it must echo. {@link #toString()} leaves the URL out: a
 * pre-signed ResponseURL lets whoever holds it decide the resource's fate.
 */
public record ResponseTarget(URI responseUrl, String stackId, String requestId, String logicalResourceId) {

    @Override
    public String toString() {
        return "ResponseTarget[stackId=" + stackId + ", requestId=" + requestId + ", logicalResourceId="
                + logicalResourceId + "]";
    }
}
