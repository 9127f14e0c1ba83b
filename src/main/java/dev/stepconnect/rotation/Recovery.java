package dev.stepconnect.rotation;

import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import java.util.ArrayList;
import java.util.List;

/**
 * What a failed step undoes, decided by the failure's disposition alone. Every failure of a step that may
 * have put the pending credential on the connections puts the AWSCURRENT one back (nothing has proven the
 * pending one, and Secrets Manager's retry may come hours later); a {@code ROLLED_BACK} failure also removes
 * AWSPENDING so the next rotation starts clean. The returned failure's message says what was done, and
 * what could not be.
 */
final class Recovery {
    private static final Log LOG = Log.named("rotation");

    private Recovery() {
    }

    /** After a failure of setSecret or testSecret (which may have written the pending credential). */
    static RotationException afterConnectionsTouched(RotationContext context, RuntimeException error) {
        RotationException failure = RotationException.from(error);
        List<String> problems = new ArrayList<>(context.connections().restore(context::current, context.currentVersion(),
                context.token(), context::restoreDeadline));
        return finish(context, failure, problems);
    }

    /** After a failure that wrote nothing to any connection (createSecret, the configuration test). */
    static RotationException afterNothingWritten(RotationContext context, RuntimeException error) {
        return finish(context, RotationException.from(error), new ArrayList<>());
    }

    private static RotationException finish(RotationContext context, RotationException failure, List<String> problems) {
        String reason = failure.getMessage();
        String secret = context.secret().name();
        return switch (failure.disposition()) {
            case ROLLED_BACK -> {
                context.warn("rolling back the rotation", reason);
                removePending(context, problems);
                yield failure.withMessage(Redaction.scrub("rotation of secret " + secret + " rolled back: " + reason + ". "
                        + (problems.isEmpty()
                        ? "Every linked connection is back on the AWSCURRENT credential and AWSPENDING was removed."
                        : "Rollback incomplete: " + String.join("; ", problems))));
            }
            case TRANSIENT -> {
                context.warn("transient failure: Secrets Manager retries the rotation from createSecret", reason);
                yield failure.withMessage(Redaction.scrub(reason + " (transient; AWSPENDING kept for the retry"
                        + (problems.isEmpty() ? ", connections back on the AWSCURRENT credential)"
                        : "; restoring AWSCURRENT was incomplete: " + String.join("; ", problems) + ")")));
            }
            case CONFIGURATION -> problems.isEmpty() ? failure : failure.withMessage(Redaction.scrub(reason
                    + "; restoring AWSCURRENT was incomplete: " + String.join("; ", problems)));
        };
    }

    private static void removePending(RotationContext context, List<String> problems) {
        String token = context.token();
        try {
            SecretStore store = context.store();
            if (store.describe(context.secret().arn()).stagesOf(token).contains(SecretSnapshot.PENDING)) {
                store.removePending(context.secret().arn(), token);
            }
        } catch (RuntimeException e) {
            problems.add("AWSPENDING could not be removed from version " + token + " (" + e.getClass().getSimpleName() + ")");
            LOG.error("could not remove AWSPENDING", e, "secret", context.secret().name(), "token", token);
        }
    }
}
