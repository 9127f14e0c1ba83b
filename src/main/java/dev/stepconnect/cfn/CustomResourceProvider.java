package dev.stepconnect.cfn;

import dev.stepconnect.lambda.Deadline;
import java.util.Optional;

/** One kind of custom resource: what Create/Update/Delete do, and how its failures read as a Reason. */
public interface CustomResourceProvider {

    /**
     * Carries out the request and returns the answer; may throw, the runner turns that into FAILED.
     * {@code deadline} is when the work must be done so the answer still reaches CloudFormation in time.
     */
    CustomResourceResponse handle(CustomResourceRequest request, Deadline deadline);

    /** A user-facing Reason for a failure this provider knows (no stack trace, no secret); empty: generic text. */
    Optional<String> explain(Throwable failure);

    /**
     * CloudFormation was answered FAILED but {@code lateResponse} describes what the request made: the
     * deadline timer answered before the work finished, or a hand-on to a later invocation could not be
     * queued. CloudFormation will never learn of it; undo what would otherwise be left behind, if anything.
     */
    default void abandoned(CustomResourceRequest request, CustomResourceResponse lateResponse) {
    }
}
