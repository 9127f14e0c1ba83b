package dev.stepconnect.rotation;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.log.Redaction;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one failure type of a rotation step. Its {@link Disposition} says what has been done about it and
 * what the operator or Secrets Manager does next; the handler maps it to the answer (the exception
 * Lambda reports, whose class name is the disposition) and the metrics in one place. The message names
 * what went wrong and never holds a secret value.
 *
 * <p>The three subclasses exist only so the Lambda error type names the disposition; code decides on
 * {@link #disposition()}, never on the class.
 */
public abstract class RotationException extends RuntimeException {

    public enum Disposition {
        /**
         * The rotation cannot run as set up (event, tags, settings, roles, a connection that does not follow
         * the secret): nothing is rolled back, AWSPENDING is kept; fix the cause and reattempt.
         */
        CONFIGURATION,
        /**
         * The pending credential was refused or cannot work: every linked connection is back on AWSCURRENT
         * and AWSPENDING was removed from the token's version.
         */
        ROLLED_BACK,
        /**
         * No verdict yet (mid-change connections, throttling, timeouts, 5xx): AWSPENDING kept, connections
         * back on AWSCURRENT; Secrets Manager's retry of the rotation continues it.
         */
        TRANSIENT
    }

    private final List<String> connections;

    RotationException(String message, List<String> connections) {
        super(message);
        this.connections = List.copyOf(connections);
    }

    public abstract Disposition disposition();

    /** The linked connections the failure concerns (for the per-connection metrics); may be empty. */
    public List<String> connections() {
        return connections;
    }

    /** A failure of {@code disposition} with {@code message} (already free of secret values). */
    public static RotationException of(Disposition disposition, String message) {
        return of(disposition, message, List.of());
    }

    static RotationException of(Disposition disposition, String message, List<String> connections) {
        return switch (disposition) {
            case CONFIGURATION -> new InvalidRotationException(message, connections);
            case ROLLED_BACK -> new RotationFailedException(message, connections);
            case TRANSIENT -> new RotationRetryableException(message, connections);
        };
    }

    /**
     * {@code error} as a rotation failure: ours as they are, anything else as transient. An AWS error is named
     * by its error code and HTTP status only (its text may quote a request that carried a credential); any
     * other error by its class and scrubbed message.
     */
    public static RotationException from(RuntimeException error) {
        if (error instanceof RotationException own) {
            return own;
        }
        return of(Disposition.TRANSIENT, describe(error));
    }

    /**
     * What {@code error} says, safe for a message or log line: an AWS error by its code and HTTP status only (its
     * text may quote a request that carried a credential), anything else by its scrubbed message.
     */
    static String describe(RuntimeException error) {
        String type = error.getClass().getSimpleName();
        if (error instanceof AwsServiceException aws) {
            String code = AwsErrors.code(aws);
            return (code.equals(type) ? "" : type + ": ") + code + " (HTTP " + aws.statusCode() + ")";
        }
        return type + ": " + Redaction.scrub(String.valueOf(error.getMessage()));
    }

    /** The same failure with another message (e.g. with what the recovery did appended). */
    public RotationException withMessage(String message) {
        return of(disposition(), message, connections);
    }

    /** The same failure, concerning {@code linked}. */
    public RotationException concerning(List<String> linked) {
        return of(disposition(), getMessage(), linked);
    }
}
