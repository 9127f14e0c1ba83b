package dev.stepconnect.rotation;

import dev.stepconnect.probe.CredentialProbe;
import dev.stepconnect.probe.OAuthTokenProbe;

/**
 * How testSecret proves a credential (STEPCONNECT_TEST_MODE): a probe of the test endpoint and, for OAuth,
 * a token request with the client secret itself. {@link #none()} when the operator turned testing off.
 */
record Proof(CredentialProbe probe, OAuthTokenProbe tokens) {
    static Proof none() {
        return new Proof(null, null);
    }

    boolean enabled() {
        return probe != null;
    }
}
