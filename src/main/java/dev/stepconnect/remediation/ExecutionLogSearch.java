package dev.stepconnect.remediation;

import dev.stepconnect.log.Log;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * Finds an Express execution's {@code ExecutionStarted} record when the subscription delivery did not
 * carry it, with one bounded, synchronous FilterLogEvents query: the failure's log group, the time an
 * Express execution can have run before it failed (at most 5 minutes, Step Functions quotas), a filter
 * pattern on {@code execution_arn} and {@code type}, at most {@link #MAX_PAGES} pages. Logs Insights
 * (StartQuery) would be asynchronous and billed per GB scanned. Matches are checked again here, so an
 * endpoint that ignores the pattern still gives the right answer.
 */
public class ExecutionLogSearch {
    /** Express executions run at most 5 minutes; a minute more covers clock skew between the records. */
    static final Duration LOOKBACK = Duration.ofMinutes(6);
    /** FilterLogEvents may answer empty pages with a nextToken while it scans; stop after a few. */
    static final int MAX_PAGES = 3;
    private static final Log LOG = Log.named("remediation.express");

    private final CloudWatchLogsClient logs;

    public ExecutionLogSearch(CloudWatchLogsClient logs) {
        this.logs = logs;
    }

    /**
     * The execution's start record in {@code logGroup}, empty when it is not found in the bounded search
     * (not logged, expired, or the log group is gone).
     *
     * @param failedAt epoch ms of the failure's log event
     */
    public Optional<ExecutionLogEntry> findStart(String logGroup, String executionArn, long failedAt) {
        String pattern = "{ ($.execution_arn = \"" + executionArn.replace("\"", "") + "\") && ($.type = \""
                + ExecutionLogEntry.EXECUTION_STARTED + "\") }";
        String token = null;
        try {
            for (int page = 0; page < MAX_PAGES; page++) {
                String next = token;
                FilterLogEventsResponse response = logs.filterLogEvents(r -> r.logGroupName(logGroup)
                        .filterPattern(pattern)
                        .startTime(failedAt - LOOKBACK.toMillis())
                        .endTime(failedAt + 1)
                        .limit(50)
                        .nextToken(next));
                for (FilteredLogEvent event : response.events()) {
                    Optional<ExecutionLogEntry> start = startOf(event.message(), executionArn);
                    if (start.isPresent()) {
                        return start;
                    }
                }
                token = response.nextToken();
                if (token == null || token.isEmpty()) {
                    break;
                }
            }
        } catch (ResourceNotFoundException e) {
            LOG.warn("log group not found while looking for an execution's input", "logGroup", logGroup);
        }
        return Optional.empty();
    }

    private static Optional<ExecutionLogEntry> startOf(String message, String executionArn) {
        try {
            ExecutionLogEntry entry = ExecutionLogEntry.parse(message);
            return entry.isStarted() && executionArn.equals(entry.executionArn()) ? Optional.of(entry) : Optional.empty();
        } catch (InvalidEventException e) {
            return Optional.empty();
        }
    }
}
