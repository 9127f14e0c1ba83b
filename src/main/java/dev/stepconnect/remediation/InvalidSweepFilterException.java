package dev.stepconnect.remediation;

/**
 * An on-demand sweep filter that breaks a rule: the invocation fails at once (a Lambda function error)
 * and nothing is retried. The message names the field and the rule, never the rest of the payload.
 */
public class InvalidSweepFilterException extends RuntimeException {
    public InvalidSweepFilterException(String field, String rule) {
        super("field '" + field + "': " + rule);
    }

    public InvalidSweepFilterException(String message) {
        super(message);
    }
}
