package dev.stepconnect.remediation;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import dev.stepconnect.json.Json;
import dev.stepconnect.lambda.DryRun;
import dev.stepconnect.lambda.Priming;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SnapStart priming of RemediationFunction's Express path: decodes a sample subscription payload, parses
 * its records and runs FilterLogEvents and the ledger's conditional PutObject as {@link DryRun}s (stopped
 * before they leave the machine). Nothing is read, written or counted.
 */
final class ExpressPriming {
    private static final String EXECUTION =
            "arn:aws:states:us-east-1:123456789012:express:stepconnect-priming:run:00000000-0000-0000-0000-000000000000";

    private ExpressPriming() {
    }

    /** Builds the production Express wiring and registers its primer. */
    static ExpressWiring registered(CloudWatchLogsClient logs, S3Client s3, String ledgerBucket, Clock clock) {
        Priming.register("RemediationFunction (Express)", () -> prime(logs, s3));
        return new ExpressWiring(new ExecutionLogSearch(logs), s3 == null ? null : new RetryLedger(s3, ledgerBucket, clock));
    }

    static void prime(CloudWatchLogsClient logs, S3Client s3) {
        String failed = Json.write(Map.of("id", "2", "type", "ExecutionFailed", "execution_arn", EXECUTION,
                "event_timestamp", "1764050001000", "details", Map.of("error", "States.Timeout", "cause", "priming")));
        ExpressLogPayload payload = ExpressLogPayload.decode(new CloudWatchLogsEvent().withAwsLogs(
                new CloudWatchLogsEvent.AWSLogs().withData(ExpressLogPayload.encode(Json.write(Map.of("messageType", "DATA_MESSAGE",
                        "owner", "123456789012", "logGroup", "/aws/vendedlogs/states/stepconnect-priming",
                        "logStream", "priming", "logEvents", List.of(Map.of("id", "1", "timestamp", 1764050001000L,
                                "message", failed))))))));
        ExecutionLogEntry entry = ExecutionLogEntry.parse(payload.logEvents().get(0).message());
        ExpressFailure.from("1", 1764050001000L, entry).toFailureEvent(null);
        DryRun.call(() -> logs.filterLogEvents(r -> r.logGroupName("stepconnect-priming").filterPattern("{ $.type = \"x\" }")));
        if (s3 != null) {
            DryRun.call(() -> s3.putObject(r -> r.bucket("stepconnect-priming").key(RetryLedger.key(EXECUTION)).ifNoneMatch("*"),
                    RequestBody.fromString("{}")));
        }
    }
}
