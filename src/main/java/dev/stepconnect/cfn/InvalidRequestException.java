package dev.stepconnect.cfn;

/** The custom resource request itself is malformed (not the resource's properties). Never carries the event. */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
