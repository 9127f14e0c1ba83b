package dev.stepconnect.eventbridge;

/** A version of a credentials secret: where a connection's credential comes from. */
public record CredentialSource(String secretArn, String versionId) {
}
