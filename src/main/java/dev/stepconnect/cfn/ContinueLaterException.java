package dev.stepconnect.cfn;

/**
 * Thrown by a provider whose work is still in progress at its deadline and may finish later (only when
 * the request's {@link Continuation#handOnAllowed()}). The runner hands the request on to a later
 * invocation; the message is the FAILED Reason should that hand-on fail.
 */
public class ContinueLaterException extends RuntimeException {
    public ContinueLaterException(String message) {
        super(message);
    }
}
