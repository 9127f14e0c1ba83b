package dev.stepconnect.remediation;

import dev.stepconnect.log.Log;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ListSchedulesResponse;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveFilter;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineTypeNotSupportedException;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * The sweep's read calls (ListStateMachines, ListExecutions, DescribeExecution, ListSchedules), with
 * AWS answers translated into domain values. Retries themselves go through {@link StepFunctionsGateway}
 * and {@link RetryScheduler}, exactly as on the event path.
 */
public class SweepExecutions {
    private static final Log LOG = Log.named("remediation.sweep.aws");
    /** ListExecutions' largest page (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html). */
    static final int PAGE_SIZE = 1000;
    private final SfnClient sfn;
    private final SchedulerClient scheduler;
    private final String scheduleGroup;

    public SweepExecutions(SfnClient sfn, SchedulerClient scheduler, String scheduleGroup) {
        this.sfn = sfn;
        this.scheduler = scheduler;
        this.scheduleGroup = scheduleGroup;
    }

    /** One row of ListExecutions; {@code redriveCount} is 0 when the endpoint leaves it out. */
    public record ListedExecution(String executionArn, String stateMachineArn, String name, String status,
                                  Instant startDate, Instant stopDate, int redriveCount) {

        /** The failure as far as the listing shows it: enough for its deterministic retry names. */
        FailureEvent asListedFailure() {
            return FailureEvent.builder(executionArn, stateMachineArn, name, status).redriveCount(redriveCount).build();
        }
    }

    /** ARNs of the account's Standard state machines (Express ones have no executions to list). */
    public List<String> standardStateMachines() {
        List<String> arns = new ArrayList<>();
        for (StateMachineListItem item : sfn.listStateMachinesPaginator(r -> r.maxResults(PAGE_SIZE)).stateMachines()) {
            if (item.type() != StateMachineType.EXPRESS) {
                arns.add(item.stateMachineArn());
            }
        }
        return arns;
    }

    /**
     * The state machine is not a Standard one: ListExecutions answers {@code StateMachineTypeNotSupported}
     * for Express state machines (their executions are not listed; API reference, ListExecutions).
     */
    public static final class NotStandardException extends RuntimeException {
        NotStandardException(String stateMachineArn) {
            super("not a Standard state machine: " + stateMachineArn);
        }
    }

    /**
     * Pages of ListExecutions for one status and redrive filter, newest start first, fetched only as the
     * caller asks for the next page. Callers filter again: not every endpoint honours {@code redriveFilter}.
     *
     * @throws NotStandardException (from the iterator) when the state machine is an Express one
     */
    public Iterator<List<ListedExecution>> pages(String stateMachineArn, String status, ExecutionRedriveFilter redriveFilter) {
        Iterator<ListExecutionsResponse> responses = sfn.listExecutionsPaginator(r -> r.stateMachineArn(stateMachineArn)
                .statusFilter(status).redriveFilter(redriveFilter).maxResults(PAGE_SIZE)).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return responses.hasNext();
                } catch (StateMachineTypeNotSupportedException e) {
                    throw new NotStandardException(stateMachineArn);
                }
            }

            @Override
            public List<ListedExecution> next() {
                List<ListedExecution> page = new ArrayList<>();
                ListExecutionsResponse response;
                try {
                    response = responses.next();
                } catch (StateMachineTypeNotSupportedException e) {
                    throw new NotStandardException(stateMachineArn);
                }
                for (ExecutionListItem item : response.executions()) {
                    page.add(new ListedExecution(item.executionArn(), item.stateMachineArn() != null
                            ? item.stateMachineArn() : stateMachineArn, item.name(), item.statusAsString(),
                            item.startDate(), item.stopDate(), item.redriveCount() == null ? 0 : item.redriveCount()));
                }
                return page;
            }
        };
    }

    /** The failure record the event path builds, from AWS's own record (DescribeExecution); empty when gone. */
    public Optional<FailureEvent> failure(String executionArn) {
        try {
            DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(executionArn));
            return Optional.of(FailureEvent.builder(d.executionArn() != null ? d.executionArn() : executionArn,
                            d.stateMachineArn(), d.name(), d.statusAsString())
                    .error(d.error()).cause(d.cause()).input(d.input())
                    .redriveCount(d.redriveCount() == null ? 0 : d.redriveCount())
                    .redriveStatus(RedriveStatus.parse(d.redriveStatusAsString()))
                    .stateMachineAliasArn(d.stateMachineAliasArn()).stateMachineVersionArn(d.stateMachineVersionArn())
                    .build());
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }

    /** Whether an execution with this ARN exists (a retry started under its deterministic name). */
    public boolean exists(String executionArn) {
        try {
            sfn.describeExecution(r -> r.executionArn(executionArn));
            return true;
        } catch (ExecutionDoesNotExistException e) {
            return false;
        }
    }

    /**
     * Names of retry schedules with this prefix that have not run yet, read up to {@code limit} names
     * (the retry budget bounds how many can be pending per state machine).
     */
    public Set<String> pendingSchedules(String namePrefix, int limit) {
        Set<String> names = new HashSet<>();
        String token = null;
        do {
            String page = token;
            ListSchedulesResponse response = scheduler.listSchedules(r -> r.groupName(scheduleGroup)
                    .namePrefix(namePrefix).maxResults(100).nextToken(page));
            for (ScheduleSummary summary : response.schedules()) {
                if (summary.name() != null && summary.name().startsWith(namePrefix)) {
                    names.add(summary.name());
                }
            }
            token = response.nextToken();
        } while (token != null && !token.isEmpty() && names.size() < limit);
        if (names.size() >= limit) {
            LOG.info("more pending retry schedules than read", "namePrefix", namePrefix, "read", names.size());
        }
        return names;
    }
}
