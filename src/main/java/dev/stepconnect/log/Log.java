package dev.stepconnect.log;

import dev.stepconnect.json.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured JSON logging: one JSON object a line on stdout, which Lambda's JSON log format and
 * CloudWatch Logs Insights read as fields. Every string passes {@link Redaction} first.
 */
public final class Log {
    private final String component;

    private Log(String component) {
        this.component = component;
    }

    public static Log named(String component) {
        return new Log(component);
    }

    public void info(String message, Object... keyValues) {
        write("INFO", message, null, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("WARN", message, null, keyValues);
    }

    /**
     * Logs the failure's type and (scrubbed) message, never its stack trace: SDK and parser messages
     * can quote request bodies, and a trace adds nothing the type and message do not already tell.
     */
    public void error(String message, Throwable error, Object... keyValues) {
        write("ERROR", message, error, keyValues);
    }

    private void write(String level, String message, Throwable error, Object... keyValues) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("component", component);
        line.put("message", Redaction.scrub(message));
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), scrubValue(keyValues[i + 1]));
        }
        if (error != null) {
            line.put("errorType", error.getClass().getName());
            line.put("errorMessage", Redaction.scrub(String.valueOf(error.getMessage())));
        }
        PrintStream out = System.out;
        out.println(Json.write(line));
    }

    private static Object scrubValue(Object value) {
        if (value == null || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number number) {
            // A credential may be a JSON number: its digits are masked like any other form.
            String digits = String.valueOf(number);
            String scrubbed = Redaction.scrub(digits);
            return scrubbed.equals(digits) ? number : scrubbed;
        }
        return Redaction.scrub(String.valueOf(value));
    }
}
