package dev.stepconnect.remediation;

/**
 * How a failure that cannot be described with DescribeExecution (an Express execution, known only from
 * its CloudWatch Logs record) is retried, once the shared flow (classification, opt-in, attempts, budget)
 * has decided to retry it. See {@link RemediationService#handleUndescribable}.
 */
@FunctionalInterface
interface UndescribableRetry {
    /** Starts or schedules the retry; the outcome's kind says which, or why not (SKIPPED, ALREADY_RETRIED). */
    Outcome retry(FailureEvent failure, Classification classification, RetryDecision decision);
}
