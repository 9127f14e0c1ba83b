package dev.stepconnect.remediation;

import dev.stepconnect.json.Json;
import dev.stepconnect.log.Log;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Exactly-once for retries AWS cannot deduplicate (StartExecution of an Express state machine accepts
 * the same name twice): before a retry is started or scheduled, its failure is claimed with an S3
 * conditional write, PutObject {@code If-None-Match: *} on a key derived from the failure. S3 lets one
 * such write per key succeed and answers every other one, from any container, {@code 412 Precondition
 * Failed} (Amazon S3 User Guide, "How to prevent object overwrites with conditional writes"); a write racing
 * another in flight gets {@code 409 ConditionalRequestConflict} and is repeated. S3 is strongly
 * read-after-write consistent, so the claim holds for every later delivery until the bucket's lifecycle
 * rule expires it (2 days in the template: at least 24 hours by construction, see docs/remediation.md).
 * <p>
 * A claim whose retry then fails with an error (throttling, permissions) is released (DeleteObject) so
 * that Lambda's retry of the invocation can try again.
 */
public class RetryLedger {
    static final String PREFIX = "express-retries/";
    private static final int CONFLICT_ATTEMPTS = 3;
    private static final Log LOG = Log.named("remediation.ledger");

    private final S3Client s3;
    private final String bucket;
    private final Clock clock;

    public enum Claim { CLAIMED, ALREADY_CLAIMED }

    public RetryLedger(S3Client s3, String bucket, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.clock = clock;
    }

    /** The object key of a failure: a hash, so no execution name or ARN characters reach S3 keys. */
    static String key(String failureKey) {
        return PREFIX + RetryNames.hash(failureKey).substring(0, 40);
    }

    /**
     * Claims the retry of {@code failureKey}. Throws the SDK's exception when S3 cannot answer (the
     * caller fails the invocation, and Lambda delivers it again).
     */
    public Claim claim(String failureKey, String executionArn) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("executionArn", executionArn);
        record.put("claimedAt", clock.instant().toString());
        String body = Json.write(record);
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(r -> r.bucket(bucket).key(key(failureKey)).ifNoneMatch("*").contentType("application/json"),
                        RequestBody.fromString(body));
                return Claim.CLAIMED;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return Claim.ALREADY_CLAIMED;
                }
                if (e.statusCode() != 409 || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Gives a claim back after its retry failed; a failed delete is logged, the retry is then lost. */
    public void release(String failureKey, String executionArn) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key(failureKey)));
        } catch (SdkException e) {
            LOG.error("could not release the retry claim; this failure will not be retried", e,
                    "executionArn", executionArn, "key", key(failureKey));
        }
    }
}
