package dev.stepconnect.remediation;

/** How a retry call ended, translated from AWS answers at the adapter edge. */
public enum RetryResult {
    /** The redrive, new execution or schedule now exists because of this call. */
    DONE,
    /** AWS says an earlier delivery already did it (ConflictException, ExecutionAlreadyExists). */
    ALREADY_DONE,
    /** RedriveExecution refused: the execution cannot be redriven. */
    NOT_REDRIVABLE,
    /** The request was rejected as invalid (e.g. a schedule payload too large); another route may work. */
    REJECTED
}
