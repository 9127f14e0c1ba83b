package dev.stepconnect.cdk;

/**
 * A StepConnect construct was configured in a way that cannot deploy (bad connection name, plain-http
 * endpoint, missing credentials secret...). Thrown while the app is being defined, before anything is
 * synthesized; the message names the construct path and says what to change.
 */
public class StepConnectValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public StepConnectValidationException(String message) {
        super(message);
    }
}
