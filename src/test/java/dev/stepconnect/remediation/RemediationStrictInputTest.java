package dev.stepconnect.remediation;

import static dev.stepconnect.remediation.RemediationFixture.eventFor;
import static dev.stepconnect.remediation.RemediationFixture.invoke;
import static dev.stepconnect.remediation.RemediationFixture.itemFailures;
import static dev.stepconnect.remediation.RemediationFixture.sqsBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.testing.AwsEmulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** Issue #10 §6: a message, a batch or a direct event with anything after its JSON value is refused, not half-read. */
@ExtendWith(AwsEmulator.class)
class RemediationStrictInputTest {
    @RegisterExtension
    final RemediationFixture fixture = new RemediationFixture();

    @Test
    void trailingContentIsRefusedAtEveryLevel() {
        String machine = fixture.createOptedInStateMachine();
        DescribeExecutionResponse failed = fixture.failedExecution(machine, "{}");
        String good = Json.write(eventFor(failed, "ABORTED", 0, "REDRIVABLE", true));
        RemediationHandler handler = fixture.immediateHandler(20);

        JsonObject response = invoke(handler, sqsBatch(List.of(Map.entry("trailing-garbage", good + "}}garbage"),
                Map.entry("two-events", good + good), Map.entry("good", good))));
        assertThat(itemFailures(response)).containsExactlyInAnyOrder("trailing-garbage", "two-events");

        String batch = sqsBatch(List.of(Map.entry("good", good)));
        assertThatThrownBy(() -> invoke(handler, batch + "}}garbage")).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> invoke(handler, good + "{\"detail-type\":\"x\"}")).isInstanceOf(InvalidEventException.class);
    }
}
