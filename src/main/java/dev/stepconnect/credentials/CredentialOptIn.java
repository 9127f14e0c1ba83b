package dev.stepconnect.credentials;

import java.util.Map;

/**
 * The owner's consent: StepConnect's functions (connection provider, rotation, guardian) read a secret
 * into connections, and tag it, only when the secret carries {@code stepconnect:credentials=true}.
 * The same rule is enforced in IAM by an {@code aws:ResourceTag/stepconnect:credentials: "true"}
 * condition on the functions' Secrets Manager permissions (template.yaml), so that a secret shaped like
 * a credential (an RDS secret has {@code username}/{@code password}) cannot be copied into a connection
 * just because the requester names it. This class is the check in code, and the wording of its errors.
 *
 * <p>Under the IAM condition an untagged secret answers AccessDenied (DescribeSecret, GetSecretValue),
 * and a missing one may too: from the outside the two look alike, so {@link #unreadable} names both.
 * Condition keys: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
 */
public final class CredentialOptIn {
    public static final String TAG = "stepconnect:credentials";
    /** Compared exactly, as IAM's {@code StringEquals} compares it. */
    public static final String VALUE = "true";

    private CredentialOptIn() {
    }

    /** True when {@code tags} (a secret's tags, key to value) carry the opt-in tag with value {@code true}. */
    public static boolean isOptedIn(Map<String, String> tags) {
        return tags != null && VALUE.equals(tags.get(TAG));
    }

    /**
     * @param secret the secret's ARN or name, as the user gave it
     * @throws InvalidCredentialException naming the tag and the command that sets it, when {@code tags} lack it
     */
    public static void require(String secret, Map<String, String> tags) {
        if (!isOptedIn(tags)) {
            throw new InvalidCredentialException("secret '" + secret + "' is not marked for StepConnect: StepConnect"
                    + " reads and tags only secrets whose owner tagged them " + TAG + "=" + VALUE + ". If it is yours"
                    + " and meant for EventBridge connections: " + tagCommand(secret));
        }
    }

    /**
     * The message for a secret StepConnect's role may not read or that does not exist (AccessDenied or
     * ResourceNotFound): both possibilities, and how to tell the role is the reason.
     *
     * @param errorCode the AWS error code (never its text)
     */
    public static String unreadable(String secret, String errorCode) {
        return "secret '" + secret + "' cannot be read (" + errorCode + "): either it does not exist (check the ARN or"
                + " name and the Region), or it is not tagged " + TAG + "=" + VALUE + " - StepConnect's role may read"
                + " and tag only secrets so tagged, and AWS answers alike in both cases. If it exists and is meant for"
                + " EventBridge connections, its owner tags it: " + tagCommand(secret);
    }

    private static String tagCommand(String secret) {
        return "aws secretsmanager tag-resource --secret-id '" + secret + "' --tags Key=" + TAG + ",Value=" + VALUE;
    }
}
