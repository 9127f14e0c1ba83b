package dev.stepconnect.remediation;

import java.time.Instant;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The write side of a dry run: the retry calls answer as if AWS had accepted them, and nothing leaves
 * the function. Reads (DescribeExecution, ListSchedules, tags) stay real, so a dry run decides exactly
 * what a real run would decide at that moment.
 */
final class SweepDryRun {
    private SweepDryRun() {
    }

    static final class StepFunctions extends StepFunctionsGateway {
        StepFunctions(SfnClient sfn) {
            super(sfn);
        }

        @Override
        public RetryResult redrive(String executionArn, String clientToken) {
            return RetryResult.DONE;
        }

        @Override
        public RetryResult start(String stateMachineArn, String name, String input) {
            return RetryResult.DONE;
        }
    }

    static final class Scheduler extends RetryScheduler {
        Scheduler(SchedulerClient scheduler, String group, String roleArn) {
            super(scheduler, group, roleArn, null);
        }

        @Override
        public RetryResult schedule(String name, Instant at, String targetArn, String inputJson, String description,
                                    int targetRetries) {
            return RetryResult.DONE;
        }
    }

    /** The sweep never creates alarms: the event path owns them, and a dry run changes nothing. */
    static final class NoAlarms extends AlarmManager {
        NoAlarms(String namespace, java.time.Clock clock) {
            super(null, namespace, null, clock);
        }

        @Override
        public synchronized void ensure(String stateMachineName) {
            // Nothing: see the class comment.
        }
    }
}
