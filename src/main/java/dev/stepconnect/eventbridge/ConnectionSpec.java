package dev.stepconnect.eventbridge;

import dev.stepconnect.credentials.Credential;

/**
 * Everything StepConnect sets on a connection it owns. {@code description} and {@code kmsKeyIdentifier}
 * may be null; {@code connectivity} is {@link PrivateConnectivity#NONE} for public endpoints.
 */
public record ConnectionSpec(String name, String description, Credential credential, HttpParameters invocationParameters,
                             HttpParameters oauthHttpParameters, String kmsKeyIdentifier, PrivateConnectivity connectivity) {

    public ConnectionSpec {
        connectivity = connectivity == null ? PrivateConnectivity.NONE : connectivity;
    }
}
