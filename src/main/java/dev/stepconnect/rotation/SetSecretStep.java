package dev.stepconnect.rotation;

import dev.stepconnect.credentials.Credential;

/**
 * setSecret: put the pending credential on every linked connection that follows the secret, and wait until
 * each is AUTHORIZED/ACTIVE. A re-run cannot see whether an earlier run already did (the credential is
 * write-only), so any failure puts the AWSCURRENT credential back.
 */
final class SetSecretStep {

    void run(RotationContext context) {
        try {
            context.requireNotDeleted();
            Credential pending = context.requirePending(context.current().type());
            context.connections().apply(pending, context.token(), context.connectionDeadline());
        } catch (RuntimeException e) {
            throw Recovery.afterConnectionsTouched(context, e);
        }
        context.log("every linked connection holds the pending credential", "connections", context.settings().connections());
    }
}
