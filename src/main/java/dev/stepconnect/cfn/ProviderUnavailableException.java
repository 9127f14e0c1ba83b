package dev.stepconnect.cfn;

/** The provider's dependencies could not be built at init; every request is answered FAILED with this message. */
public class ProviderUnavailableException extends RunnerFailureException {
    public ProviderUnavailableException(String message) {
        super(message);
    }

    @Override
    String reason() {
        return "the provider could not start: " + getMessage();
    }
}
