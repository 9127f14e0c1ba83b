package dev.stepconnect.remediation;

/**
 * A scheduled sweep run could not decide some failures (an AWS call failed): the run fails, so the
 * function's Errors alarm tells someone. The failures stay FAILED and the next run tries them again.
 */
public class SweepFailedException extends RuntimeException {
    public SweepFailedException(String message) {
        super(message);
    }
}
