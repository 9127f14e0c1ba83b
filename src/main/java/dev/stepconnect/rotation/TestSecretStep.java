package dev.stepconnect.rotation;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.eventbridge.ConnectionDescription;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.probe.ProbeResult;
import dev.stepconnect.rotation.RotationException.Disposition;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * testSecret: prove the pending credential through the connections before it goes live.
 * <ol>
 *   <li>Put the pending credential on every linked connection again and wait until ready: DescribeConnection
 *       never returns the credential, so whether setSecret ran cannot be seen (and
 *       {@code RotateImmediately=false} calls testSecret alone).</li>
 *   <li>OAuth: request a token with the pending client secret from the authorization endpoint. An update
 *       of the secret alone may leave a connection on a token minted with the old one.</li>
 *   <li>Probe the test endpoint, once per connection through it (TestState) or once directly.</li>
 * </ol>
 * When the token's version has no value (the configuration test {@code RotateImmediately=false} runs), the
 * AWSCURRENT credential is proven through the connections as they are, without writing to them.
 */
final class TestSecretStep {
    private final Proof proof;

    TestSecretStep(Proof proof) {
        this.proof = proof;
    }

    void run(RotationContext context) {
        Optional<String> staged;
        Credential current;
        try {
            context.requireNotDeleted();
            current = context.current();
            staged = context.staged();
        } catch (RuntimeException e) {
            throw Recovery.afterConnectionsTouched(context, e);
        }
        if (staged.isEmpty()) {
            try {
                requireProbeConfigured(context);
                prove(context, current, context.connections().requireReady(current.type(), context.currentVersion()));
            } catch (RuntimeException e) {
                throw Recovery.afterNothingWritten(context, asConfigurationTest(context, RotationException.from(e)));
            }
            return;
        }
        try {
            Credential pending = context.parsePending(staged.get(), current.type());
            requireProbeConfigured(context);
            prove(context, pending, context.connections().apply(pending, context.token(), context.connectionDeadline()));
        } catch (RuntimeException e) {
            throw Recovery.afterConnectionsTouched(context, e);
        }
    }

    /**
     * The configuration test proves the AWSCURRENT credential: a refusal there rolls nothing back (no pending value
     * exists) and is the set-up's problem (the current credential, a connection), so it is never counted as a
     * rollback.
     */
    private static RotationException asConfigurationTest(RotationContext context, RotationException failure) {
        if (failure.disposition() != Disposition.ROLLED_BACK) {
            return failure;
        }
        return RotationException.of(Disposition.CONFIGURATION, "the rotation's configuration test (testSecret without"
                + " a staged value, as RotateImmediately=false runs it) failed with the AWSCURRENT credential of secret "
                + context.secret().name() + ": " + failure.getMessage() + ". Nothing was changed: fix the current"
                + " credential or the connection, then test again");
    }

    /** A probe that cannot run as configured fails before any connection is touched. */
    private void requireProbeConfigured(RotationContext context) {
        if (context.settings().testEndpointIfSet().isPresent() && proof.enabled()) {
            proof.probe().misconfiguration().ifPresent(problem -> {
                throw RotationException.of(Disposition.CONFIGURATION, problem);
            });
        }
    }

    private void prove(RotationContext context, Credential candidate, List<ConnectionDescription> ready) {
        Optional<URI> endpoint = context.settings().testEndpointIfSet();
        if (!proof.enabled()) {
            context.log("connections are AUTHORIZED/ACTIVE with the credential under test; testing is off",
                    "testEndpoint", endpoint.isPresent() ? "set" : "none");
            return;
        }
        if (candidate instanceof Credential.OAuthClientCredentials oauth) {
            for (ConnectionDescription connection : ready) {
                Deadline deadline = context.forwardDeadline();
                judge(context, connection, "the authorization endpoint",
                        () -> proof.tokens().prove(oauth, connection.oauthHttpParameters(), deadline));
            }
        }
        if (endpoint.isEmpty()) {
            context.log("connections are AUTHORIZED/ACTIVE with the credential under test; no test endpoint",
                    "testEndpoint", "none");
            return;
        }
        List<ConnectionDescription> targets = proof.probe().throughConnection() ? ready : ready.subList(0, 1);
        for (ConnectionDescription connection : targets) {
            Deadline deadline = context.forwardDeadline();
            judge(context, connection, "the test endpoint",
                    () -> proof.probe().probe(endpoint.get(), connection, candidate, deadline));
        }
    }

    private static void judge(RotationContext context, ConnectionDescription connection, String what,
                              Supplier<ProbeResult> probe) {
        ProbeResult result;
        try {
            result = probe.get();
        } catch (RuntimeException e) {
            result = ProbeResult.transientFailure("the probe failed unexpectedly: " + e.getClass().getSimpleName());
        }
        String name = connection.name();
        switch (result.outcome()) {
            case PASSED -> context.log(what + " accepted the credential under test", "connection", name,
                    "detail", result.detail());
            case REJECTED -> throw RotationException.of(Disposition.ROLLED_BACK, "the credential under test failed its test"
                    + " through connection " + name + ": " + result.detail());
            case TRANSIENT -> throw RotationException.of(Disposition.TRANSIENT, what + " gave no verdict through connection "
                    + name + ": " + result.detail());
            // Configuration, not a verdict: AWSPENDING kept, the connections go back on AWSCURRENT.
            case MISCONFIGURED -> throw RotationException.of(Disposition.CONFIGURATION, "testSecret could not probe"
                    + " through connection " + name + ": " + result.detail() + ". AWSPENDING is kept: fix the"
                    + " configuration and reattempt the rotation");
        }
    }
}
