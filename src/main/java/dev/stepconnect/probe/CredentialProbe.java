package dev.stepconnect.probe;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.lambda.Deadline;
import java.net.URI;
import java.util.Optional;

/** Proves a credential by calling the secret's test endpoint (STEPCONNECT_TEST_MODE decides how). */
public interface CredentialProbe {
    /**
     * @param connection the connection, already holding {@code credential}
     * @param credential the credential under test (the pending one)
     */
    ProbeResult probe(URI endpoint, ConnectionDescription connection, Credential credential, Deadline deadline);

    /** Why the probe cannot run as configured, checked before any connection is touched. */
    default Optional<String> misconfiguration() {
        return Optional.empty();
    }

    /** {@code true}: the probe goes through the connection, so every linked connection is probed. */
    default boolean throughConnection() {
        return true;
    }
}
