package dev.stepconnect.rotation;

import java.util.List;

/**
 * {@link RotationException.Disposition#TRANSIENT}: a connection mid-change, throttling, a timeout, the test
 * endpoint answering 5xx/429. AWSPENDING is kept and the linked connections are back on the AWSCURRENT
 * credential; Secrets Manager retries the rotation (from createSecret) and the retry puts the pending
 * credential on again.
 */
public final class RotationRetryableException extends RotationException {
    RotationRetryableException(String message, List<String> connections) {
        super(message, connections);
    }

    @Override
    public Disposition disposition() {
        return Disposition.TRANSIENT;
    }
}
