package dev.stepconnect.cfn;

/** The custom resource request itself is malformed (not the resource's properties). Never carries the event. */
public class InvalidRequestException extends RunnerFailureException {
    public InvalidRequestException(String message) {
        super(message);
    }

    @Override
    String reason() {
        return "invalid custom resource request: " + getMessage();
    }
}
