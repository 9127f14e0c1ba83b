package dev.stepconnect.guardian;

/**
 * Some work of a recognised event could not be done for a reason that may pass (throttling, a
 * connection mid-change, an unreachable AWS API): thrown so that Lambda's asynchronous retries run the
 * event again and, once they are spent, the on-failure destination keeps it. The message names
 * connections and reasons only.
 */
public class GuardianRetryableException extends RuntimeException {
    public GuardianRetryableException(String message) {
        super(message);
    }
}
