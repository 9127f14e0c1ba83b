package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.remediation.FailurePoint.HistoryEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failure point read from AWS-shaped history pages, newest event first (reverseOrder=true). */
class FailurePointTest {
    private static HistoryEntry e(String type) {
        return new HistoryEntry(type, null);
    }

    private static HistoryEntry entered(String type, String name) {
        return new HistoryEntry(type + "StateEntered", name);
    }

    @Test
    void taskThatFailedTheExecutionItself() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionFailed"), e("TaskFailed"), e("TaskStarted"),
                e("TaskScheduled"), entered("Task", "CallPartnerApi"), e("ExecutionStarted")));
        assertThat(point).isEqualTo(new FailurePoint("CallPartnerApi", "Task", false, null));
        assertThat(point.readable()).isTrue();
    }

    @Test
    void catchIntoAFailState() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionFailed"), entered("Fail", "PartnerCallFailed"),
                e("TaskStateExited"), e("TaskFailed"), e("TaskStarted"), e("TaskScheduled"),
                entered("Task", "CallPartnerApi")));
        assertThat(point).isEqualTo(new FailurePoint("PartnerCallFailed", "Fail", true, null));
    }

    @Test
    void aRedrivenExecutionThatFailedAgainIsReadFromItsNewestEnd() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionFailed"), e("TaskFailed"), e("TaskStarted"),
                e("TaskScheduled"), entered("Task", "CallPartnerApi"), e("ExecutionRedriven"), e("ExecutionFailed"),
                entered("Fail", "Old")));
        assertThat(point.failState()).isFalse();
        assertThat(point.state()).isEqualTo("CallPartnerApi");
    }

    @Test
    void taskWithManyRetriesKeepsItsNameUnknown() {
        List<HistoryEntry> page = new ArrayList<>(List.of(e("ExecutionFailed")));
        for (int i = 0; i < 12; i++) {
            page.addAll(List.of(e("TaskFailed"), e("TaskStarted")));
        }
        page.add(e("TaskScheduled"));
        FailurePoint point = FailurePoint.read(page);
        assertThat(point).isEqualTo(new FailurePoint(null, "Task", false, null));
    }

    @Test
    void mapFailure() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionFailed"), e("MapStateFailed"), e("MapRunFailed"),
                entered("Task", "ProcessItem"), e("MapRunStarted"), entered("Map", "ProcessAll")));
        assertThat(point).isEqualTo(new FailurePoint("ProcessAll", "Map", false, null));
    }

    @Test
    void parallelFailure() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionFailed"), e("ParallelStateFailed"),
                e("TaskFailed"), entered("Task", "BranchA"), e("ParallelStateStarted"), entered("Parallel", "FanOut")));
        assertThat(point).isEqualTo(new FailurePoint("FanOut", "Parallel", false, null));
    }

    @Test
    void timedOutExecutionNamesTheStateThatWasRunning() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionTimedOut"), e("TaskStarted"), e("TaskScheduled"),
                entered("Task", "CallPartnerApi"), e("PassStateExited"), entered("Pass", "Prepare")));
        assertThat(point).isEqualTo(new FailurePoint("CallPartnerApi", "Task", false, null));
    }

    @Test
    void abortedExecutionNamesTheStateThatWasRunning() {
        FailurePoint point = FailurePoint.read(List.of(e("ExecutionAborted"), entered("Wait", "Pause")));
        assertThat(point).isEqualTo(new FailurePoint("Pause", "Wait", false, null));
    }

    @Test
    void aPageWithoutTheEndSaysNothing() {
        assertThat(FailurePoint.read(List.of())).isEqualTo(new FailurePoint(null, null, false, null));
        assertThat(FailurePoint.read(List.of(e("ExecutionFailed")))).isEqualTo(new FailurePoint(null, null, false, null));
    }

    @Test
    void unreadableHistoryFallsBackToRedriveAndSaysWhy() {
        FailurePoint unreadable = FailurePoint.unreadable("AccessDeniedException");
        assertThat(unreadable.readable()).isFalse();
        RetryRoute route = RetryRoute.choose(RetryMode.AUTO, true, () -> unreadable);
        assertThat(route.way()).isEqualTo(RetryRoute.Way.REDRIVE);
        assertThat(route.reason()).contains("AccessDeniedException");
        assertThat(route.historyUnread()).isTrue();
    }

    @Test
    void routeFollowsModeAndFailurePoint() {
        FailurePoint fail = new FailurePoint("PartnerCallFailed", "Fail", true, null);
        FailurePoint task = new FailurePoint("CallPartnerApi", "Task", false, null);
        assertThat(RetryRoute.choose(RetryMode.AUTO, true, () -> fail).way()).isEqualTo(RetryRoute.Way.RESTART);
        assertThat(RetryRoute.choose(RetryMode.AUTO, true, () -> task).way()).isEqualTo(RetryRoute.Way.REDRIVE);
        assertThat(RetryRoute.choose(RetryMode.REDRIVE, true, () -> fail).way()).isEqualTo(RetryRoute.Way.REDRIVE);
        assertThat(RetryRoute.choose(RetryMode.RESTART, true, () -> task).way()).isEqualTo(RetryRoute.Way.RESTART);
        // Not redrivable: a new execution whatever the mode, and the history is not read.
        for (RetryMode mode : RetryMode.values()) {
            assertThat(RetryRoute.choose(mode, false, () -> {
                throw new AssertionError("history read for a failure that is not redriven");
            }).way()).isEqualTo(RetryRoute.Way.RESTART);
        }
        assertThat(RetryRoute.choose(RetryMode.REDRIVE, true, () -> {
            throw new AssertionError("history read although the mode decides");
        }).failurePoint()).isNull();
    }
}
