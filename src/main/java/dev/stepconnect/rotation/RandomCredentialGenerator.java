package dev.stepconnect.rotation;

import dev.stepconnect.credentials.Credential;
import dev.stepconnect.log.Redaction;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * A new random API key value or password (256 bits from {@link SecureRandom}, URL-safe Base64), for
 * partners that accept a caller-chosen secret. OAuth client secrets are issued by the identity
 * provider, so they are refused.
 */
public final class RandomCredentialGenerator implements CredentialGenerator {
    private static final int BYTES = 32;
    private final Supplier<SecureRandom> randomSource;

    public RandomCredentialGenerator(Supplier<SecureRandom> randomSource) {
        this.randomSource = randomSource;
    }

    /**
     * A fresh {@link SecureRandom} per credential: with SnapStart, an instance seeded during init would
     * be restored with the same state in every execution environment.
     */
    public RandomCredentialGenerator() {
        this(SecureRandom::new);
    }

    @Override
    public Credential next(Credential current) {
        String value = randomValue();
        Redaction.register(value);
        if (current instanceof Credential.ApiKey key) {
            return new Credential.ApiKey(key.apiKeyName(), value);
        }
        if (current instanceof Credential.Basic basic) {
            return new Credential.Basic(basic.username(), value);
        }
        throw new InvalidRotationException("the 'random' generator cannot rotate an OAUTH_CLIENT_CREDENTIALS secret:"
                + " client secrets are issued by the identity provider. Use stepconnect:generator=pending and stage"
                + " the new client secret as AWSPENDING");
    }

    private String randomValue() {
        byte[] bytes = new byte[BYTES];
        randomSource.get().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
