package dev.stepconnect.cfn;

/** CloudFormation could not be asked whether it sent a request; the message is a user-facing Reason. */
public class StackCheckException extends RuntimeException {
    public StackCheckException(String message) {
        super(message);
    }
}
