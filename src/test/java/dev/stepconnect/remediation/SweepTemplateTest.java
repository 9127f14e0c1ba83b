package dev.stepconnect.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sweep hands its failures to the event path's decision code, so both functions must decide with the
 * same settings: every retry-deciding variable RemediationFunction gets, RemediationSweepFunction gets too,
 * with the same value (only the alarm topic and the Express ledger are the event path's own).
 */
class SweepTemplateTest {
    private static final Set<String> EVENT_PATH_ONLY = Set.of("STEPCONNECT_ALARM_TOPIC_ARN", "STEPCONNECT_RETRY_LEDGER_BUCKET");
    /** Each function has its own scheduler role (the sweep's may start state machines that are not opted in). */
    private static final Set<String> OWN_VALUE = Set.of("STEPCONNECT_SCHEDULER_ROLE_ARN");

    @Test
    void theSweepDecidesWithTheEventPathsRetrySettings() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("template.yaml"));
        Map<String, String> eventPath = variables(lines, "RemediationFunction");
        Map<String, String> sweep = variables(lines, "RemediationSweepFunction");

        assertThat(eventPath).containsKey("STEPCONNECT_MAX_ATTEMPTS");
        eventPath.forEach((name, value) -> {
            if (EVENT_PATH_ONLY.contains(name)) {
                return;
            }
            assertThat(sweep).as("RemediationSweepFunction's %s", name).containsKey(name);
            if (!OWN_VALUE.contains(name)) {
                assertThat(sweep.get(name)).as("RemediationSweepFunction's %s", name).isEqualTo(value);
            }
        });
    }

    /** The {@code Environment: Variables:} of one resource, read line by line (two-space YAML indents). */
    private static Map<String, String> variables(List<String> lines, String resource) {
        int start = lines.indexOf("  " + resource + ":");
        assertThat(start).as(resource).isNotNegative();
        Map<String, String> variables = new LinkedHashMap<>();
        boolean inVariables = false;
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("  ") && !line.startsWith("   ") && !line.isBlank()) {
                break;
            }
            if (line.trim().equals("Variables:")) {
                inVariables = true;
                continue;
            }
            if (inVariables) {
                String trimmed = line.trim();
                if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                    continue;
                }
                if (!trimmed.startsWith("STEPCONNECT_")) {
                    inVariables = false;
                    continue;
                }
                int colon = trimmed.indexOf(':');
                variables.put(trimmed.substring(0, colon), trimmed.substring(colon + 1).trim());
            }
        }
        return variables;
    }
}
