package dev.stepconnect.remediation;

/**
 * The Express-only collaborators of RemediationFunction: the log search for an execution's input, the
 * retry ledger ({@code null} when {@code STEPCONNECT_RETRY_LEDGER_BUCKET} is not set: Express failures are
 * then counted and alarmed, never retried) and the gateway Express StartExecution calls go through
 * ({@code null}: the event path's). Express StartExecution is not idempotent, so {@code starts} should make
 * one attempt per call: an SDK retry after a lost answer would start the execution twice.
 */
record ExpressWiring(ExecutionLogSearch search, RetryLedger ledger, StepFunctionsGateway starts) {
    /** No log search (an Express failure whose start record is not in its delivery has no input) and no ledger. */
    static final ExpressWiring NONE = new ExpressWiring(null, null, null);

    ExpressWiring(ExecutionLogSearch search, RetryLedger ledger) {
        this(search, ledger, null);
    }

    ExpressWiring withStarts(StepFunctionsGateway gateway) {
        return new ExpressWiring(search, ledger, gateway);
    }
}
