package dev.stepconnect.cfn;

/**
 * The answer could not be delivered to the ResponseURL before the deadline. Thrown out of the handler
 * so the invocation fails: Lambda then retries the event (a retried request resumes its own work) and,
 * after the last retry, hands it to the function's on-failure destination. Never names the URL.
 */
public class UndeliveredResponseException extends RuntimeException {
    public UndeliveredResponseException(String message) {
        super(message);
    }
}
