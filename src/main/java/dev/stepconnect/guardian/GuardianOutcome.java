package dev.stepconnect.guardian;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the guardian did with one connection: logged as one line and returned in the answer. Never
 * holds a secret value: the source is named by ARN, reasons are written by StepConnect.
 *
 * @param result {@code ok}, {@code skipped}, {@code failed}, {@code refused}, {@code deferred} (retry later)
 */
public record GuardianOutcome(String connection, String secretArn, GuardianDecision.Action action, String result,
                              String stateBefore, String stateAfter, String reason) {
    public static final String OK = "ok";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
    public static final String DEFERRED = "deferred";

    /** Worth Lambda's async retry: the same event may succeed later. */
    public boolean deferred() {
        return DEFERRED.equals(result);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("connection", connection);
        map.put("secretArn", secretArn);
        map.put("action", action == null ? null : action.name());
        map.put("result", result);
        map.put("stateBefore", stateBefore);
        map.put("stateAfter", stateAfter);
        map.put("reason", reason);
        return map;
    }
}
