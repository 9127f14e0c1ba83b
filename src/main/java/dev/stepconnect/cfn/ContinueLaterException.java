package dev.stepconnect.cfn;

/**
 * Thrown by a provider whose work is still in progress at its deadline and may finish later (only when
 * the request's {@link Continuation#handOnAllowed()}). The runner hands the request on to a later
 * invocation; the message is the FAILED Reason should that hand-on fail. {@code physicalResourceId}
 * names what the request has made so far: if the hand-on fails, CloudFormation is told FAILED and the
 * provider's {@link CustomResourceProvider#abandoned} undoes it.
 */
public class ContinueLaterException extends RuntimeException {
    private final String physicalResourceId;

    public ContinueLaterException(String message, String physicalResourceId) {
        super(message);
        this.physicalResourceId = physicalResourceId;
    }

    public String physicalResourceId() {
        return physicalResourceId;
    }
}
