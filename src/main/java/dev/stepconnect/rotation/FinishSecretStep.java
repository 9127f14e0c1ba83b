package dev.stepconnect.rotation;

/**
 * finishSecret: AWSCURRENT moves to the token's version (AWSPREVIOUS follows), then AWSPENDING is removed
 * from it. The connections already carry this credential: testSecret proved it through them, and their markers
 * must still say so (else the step fails as transient and the retry re-applies and re-proves it). A failure
 * after that leaves them on it, and the retry only moves the labels.
 */
final class FinishSecretStep {
    private final RotationMetrics metrics;

    FinishSecretStep(RotationMetrics metrics) {
        this.metrics = metrics;
    }

    void run(RotationContext context) {
        String currentVersion = context.currentVersion();
        String arn = context.secret().arn();
        context.connections().requireCarrying(context.token());
        context.store().promote(arn, context.token(), currentVersion);
        context.store().removePending(arn, context.token());
        metrics.count(RotationMetrics.SUCCEEDED, context.settings().connections());
        context.log("rotation finished: AWSCURRENT moved to the new version", "previousVersion", currentVersion);
    }
}
