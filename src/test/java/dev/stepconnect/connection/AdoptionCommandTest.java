package dev.stepconnect.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.eventbridge.ConnectionMarker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The adoption command in docs/connection.md writes the source hash the marker expects. */
class AdoptionCommandTest {
    private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:partners/orders-AbCdEf";

    @Test
    void theSourceHashIsTheFirstSixteenHexDigitsOfTheArnsSha256() {
        // printf %s "$SECRET" | sha256sum | cut -c1-16, computed once with coreutils.
        assertThat(ConnectionMarker.sourceHash(SECRET)).isEqualTo("bb356c04ae657d40");
    }

    @Test
    void theDocumentedCommandComputesTheSameHash() throws IOException, InterruptedException {
        String docs = Files.readString(Path.of("docs/connection.md"), StandardCharsets.UTF_8);
        Matcher command = Pattern.compile("\\[stepconnect:source=\\$\\((printf[^)]*sha256sum[^)]*)\\)]").matcher(docs);
        assertThat(command.find()).as("adoption command in docs/connection.md").isTrue();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh and coreutils");

        ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", command.group(1));
        shell.environment().put("SECRET_ARN", SECRET);
        Process process = shell.redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeTrue(process.waitFor() == 0, "sha256sum not available: " + printed);

        assertThat(printed).isEqualTo(ConnectionMarker.sourceHash(SECRET));
        assertThat(ConnectionMarker.find("made by hand [stepconnect:source=" + printed + "]").orElseThrow()
                .namesSource(SECRET)).isTrue();
    }
}
