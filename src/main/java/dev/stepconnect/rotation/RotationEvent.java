package dev.stepconnect.rotation;

import dev.stepconnect.json.JsonException;
import dev.stepconnect.json.JsonObject;

/**
 * The event Secrets Manager sends a rotation function. {@code rotationToken} is absent in events
 * from older callers and tests; it is passed on to PutSecretValue when present.
 */
public record RotationEvent(RotationStep step, String secretId, String clientRequestToken, String rotationToken) {

    public static RotationEvent parse(JsonObject json) {
        try {
            return new RotationEvent(RotationStep.parse(json.requiredString("Step")), json.requiredString("SecretId"),
                    json.requiredString("ClientRequestToken"), json.string("RotationToken").filter(s -> !s.isBlank()).orElse(null));
        } catch (JsonException e) {
            throw new InvalidRotationException("not a Secrets Manager rotation event: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RotationEvent[step=" + step.wireName() + ", secretId=" + secretId + ", clientRequestToken="
                + clientRequestToken + ", rotationToken=" + (rotationToken == null ? "none" : "****") + "]";
    }
}
