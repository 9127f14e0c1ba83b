package dev.stepconnect.remediation;

/**
 * The Express-only collaborators of RemediationFunction: the log search for an execution's input and
 * the retry ledger ({@code null} when {@code STEPCONNECT_RETRY_LEDGER_BUCKET} is not set: Express
 * failures are then counted and alarmed, never retried).
 */
record ExpressWiring(ExecutionLogSearch search, RetryLedger ledger) {
    /** No log search (an Express failure whose start record is not in its delivery has no input) and no ledger. */
    static final ExpressWiring NONE = new ExpressWiring(null, null);
}
