package dev.stepconnect.cfn;

/** A request that CloudFormation did not send (or no longer wants) was refused; the message is the Reason. */
public class RequestRefusedException extends RuntimeException {
    public RequestRefusedException(String message) {
        super(message);
    }
}
