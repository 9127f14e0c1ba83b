package dev.stepconnect.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The redaction guard every log line passes through. Code that handles a credential registers its
 * value here as soon as it reads it; from then on that value is masked wherever it would appear in a
 * log line. Pre-signed URLs (CloudFormation ResponseURL, S3) are masked by shape, because anyone
 * holding one can forge the answer it signs.
 */
public final class Redaction {
    public static final String MASK = "****";
    private static final int MIN_SECRET_LENGTH = 4;
    private static final int MAX_REMEMBERED = 1024;
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final Pattern PRESIGNED_URL = Pattern.compile(
            "https?://[^\\s\"']*(?:X-Amz-Signature|X-Amz-Credential|Signature=|AWSAccessKeyId=)[^\\s\"']*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SIGNATURE_PARAM = Pattern.compile(
            "(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature)=[^&\\s\"']+",
            Pattern.CASE_INSENSITIVE);

    private Redaction() {
    }

    /** Remembers a secret value so that it is masked in every later log line of this container. */
    public static void register(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            return;
        }
        if (SECRETS.add(secret) && SECRETS.size() > MAX_REMEMBERED) {
            // Bounded memory in a long-lived container: forget one older value, never all of them.
            SECRETS.stream().filter(value -> !value.equals(secret)).findAny().ifPresent(SECRETS::remove);
        }
    }

    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : SECRETS) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        if (result.indexOf("://") >= 0) {
            result = PRESIGNED_URL.matcher(result).replaceAll("[pre-signed URL redacted]");
        }
        return SIGNATURE_PARAM.matcher(result).replaceAll("$1=" + MASK);
    }
}
