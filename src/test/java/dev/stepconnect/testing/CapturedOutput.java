package dev.stepconnect.testing;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures everything written to stdout and stderr (log lines, EMF lines) while open, and still
 * echoes it, so tests can assert on what a function printed: no secret, valid EMF, and so on.
 */
public final class CapturedOutput implements AutoCloseable {
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private CapturedOutput() {
        System.setOut(new PrintStream(new Tee(originalOut, buffer), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr, buffer), true, StandardCharsets.UTF_8));
    }

    public static CapturedOutput start() {
        return new CapturedOutput();
    }

    public synchronized String text() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    public List<String> lines() {
        return Arrays.stream(text().split("\\R")).filter(line -> !line.isBlank()).toList();
    }

    /** The structured log lines (JSON) whose {@code message} is exactly {@code message}, oldest first. */
    public List<JsonObject> logLines(String message) {
        return lines().stream().filter(line -> line.startsWith("{")).map(Json::parseObject)
                .filter(line -> line.string("message").filter(message::equals).isPresent()).toList();
    }

    /** Lines that are CloudWatch EMF documents. */
    public List<String> emfLines() {
        return lines().stream().filter(line -> line.startsWith("{") && line.contains("\"_aws\"")).toList();
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private final class Tee extends java.io.OutputStream {
        private final PrintStream echo;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream echo, ByteArrayOutputStream copy) {
            this.echo = echo;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (CapturedOutput.this) {
                copy.write(b);
            }
            echo.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (CapturedOutput.this) {
                copy.write(bytes, offset, length);
            }
            echo.write(bytes, offset, length);
        }
    }
}
