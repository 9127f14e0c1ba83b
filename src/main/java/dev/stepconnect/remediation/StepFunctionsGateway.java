package dev.stepconnect.remediation;

import dev.stepconnect.aws.AwsErrors;
import dev.stepconnect.log.Log;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.LogDestination;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.Tag;

/** Step Functions calls of this feature, with AWS answers translated into domain values. */
public class StepFunctionsGateway {
    private static final Log LOG = Log.named("remediation.stepfunctions");
    /** One page is enough to see how an execution ended; a Task with many retries may hide its entered event. */
    static final int HISTORY_PAGE = 25;
    private final SfnClient sfn;

    public StepFunctionsGateway(SfnClient sfn) {
        this.sfn = sfn;
    }

    /**
     * The state machine's tags; none when it no longer exists or its tags may not be read. A policy
     * narrowed to some state machines must not send the failures of the others to the DLQ (and lose
     * their metric): without readable tags a state machine is simply not opted in.
     */
    public Map<String, String> tags(String stateMachineArn) {
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : sfn.listTagsForResource(r -> r.resourceArn(stateMachineArn)).tags()) {
                tags.put(tag.key(), tag.value());
            }
            return tags;
        } catch (ResourceNotFoundException | StateMachineDoesNotExistException e) {
            return Map.of();
        } catch (SfnException e) {
            if (!AwsErrors.is(e, "AccessDeniedException")) {
                throw e;
            }
            LOG.warn("states:ListTagsForResource denied: state machine treated as not opted in to retries",
                    "stateMachineArn", stateMachineArn);
            return Map.of();
        }
    }

    /**
     * The names of the CloudWatch Logs log groups a state machine logs to (DescribeStateMachine's
     * {@code loggingConfiguration.destinations}, whose ARNs are {@code arn:...:log-group:<name>:*}); empty when
     * the state machine does not exist. Needs {@code states:DescribeStateMachine}.
     */
    public Optional<Set<String>> logGroups(String stateMachineArn) {
        DescribeStateMachineResponse machine;
        try {
            machine = sfn.describeStateMachine(r -> r.stateMachineArn(stateMachineArn));
        } catch (StateMachineDoesNotExistException e) {
            return Optional.empty();
        }
        Set<String> names = new HashSet<>();
        if (machine.loggingConfiguration() != null) {
            for (LogDestination destination : machine.loggingConfiguration().destinations()) {
                if (destination.cloudWatchLogsLogGroup() != null && destination.cloudWatchLogsLogGroup().logGroupArn() != null) {
                    names.add(logGroupName(destination.cloudWatchLogsLogGroup().logGroupArn()));
                }
            }
        }
        return Optional.of(names);
    }

    /** {@code arn:aws:logs:<region>:<account>:log-group:<name>[:*]} → {@code <name>} (log group names hold no ':'). */
    static String logGroupName(String logGroupArn) {
        int start = logGroupArn.indexOf(":log-group:");
        if (start < 0) {
            return logGroupArn;
        }
        String rest = logGroupArn.substring(start + ":log-group:".length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    /**
     * AWS's current record of the execution (DescribeExecution, needs {@code states:DescribeExecution});
     * empty when it does not exist (ExecutionDoesNotExist). Any other AWS or SDK error is thrown as it is.
     */
    public Optional<ExecutionSnapshot> describe(String executionArn) {
        try {
            DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(executionArn));
            return Optional.of(new ExecutionSnapshot(d.statusAsString(), d.input(), d.redriveCount(),
                    RedriveStatus.parse(d.redriveStatusAsString()), d.stateMachineArn(), d.stateMachineAliasArn(),
                    d.stateMachineVersionArn()));
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }

    /**
     * Where the execution failed, from one page of its newest history events (at most {@value #HISTORY_PAGE},
     * without execution data). Never throws: an unreadable history (AccessDenied, throttling past the SDK's
     * retries, a timeout) is a {@link FailurePoint#unreadable} naming the error code, so the caller can fall
     * back to redriving. Needs {@code states:GetExecutionHistory} on the execution ARN.
     */
    public FailurePoint failurePoint(String executionArn) {
        try {
            GetExecutionHistoryResponse page = sfn.getExecutionHistory(r -> r.executionArn(executionArn)
                    .reverseOrder(true).maxResults(HISTORY_PAGE).includeExecutionData(false));
            List<FailurePoint.HistoryEntry> entries = new ArrayList<>();
            for (HistoryEvent event : page.events()) {
                entries.add(new FailurePoint.HistoryEntry(event.typeAsString(),
                        event.stateEnteredEventDetails() == null ? null : event.stateEnteredEventDetails().name()));
            }
            return FailurePoint.read(entries);
        } catch (AwsServiceException e) {
            return FailurePoint.unreadable(AwsErrors.code(e));
        } catch (SdkException e) {
            return FailurePoint.unreadable(e.getClass().getSimpleName());
        }
    }

    /**
     * RedriveExecution with {@code clientToken} (at most 64 characters; AWS treats a repeat within 15 minutes
     * as the same request). {@link RetryResult#NOT_REDRIVABLE} when AWS refuses it as not redrivable; any
     * other AWS or SDK error is thrown as it is.
     *
     * @see <a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html">RedriveExecution</a>
     */
    public RetryResult redrive(String executionArn, String clientToken) {
        try {
            sfn.redriveExecution(r -> r.executionArn(executionArn).clientToken(clientToken));
            return RetryResult.DONE;
        } catch (ExecutionNotRedrivableException e) {
            return RetryResult.NOT_REDRIVABLE;
        }
    }

    /**
     * StartExecution named {@code name} (at most 80 characters); {@link RetryResult#ALREADY_DONE} when that
     * name is already taken. Any other AWS or SDK error is thrown as it is.
     *
     * @see <a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html">StartExecution</a>
     */
    public RetryResult start(String stateMachineArn, String name, String input) {
        try {
            sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(input));
            return RetryResult.DONE;
        } catch (ExecutionAlreadyExistsException e) {
            // The name is taken by the retry an earlier delivery started (kept 90 days after it stops).
            return RetryResult.ALREADY_DONE;
        }
    }
}
