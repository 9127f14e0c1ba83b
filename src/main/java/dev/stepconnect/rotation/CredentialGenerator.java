package dev.stepconnect.rotation;

import dev.stepconnect.credentials.Credential;

/**
 * Produces the next credential from the current one. The built-in generator draws random values; a
 * vendor-specific one (calling the partner's key-issuing API) implements the same interface.
 * Implementations register every value they create with {@code Redaction}.
 */
public interface CredentialGenerator {
    Credential next(Credential current);
}
