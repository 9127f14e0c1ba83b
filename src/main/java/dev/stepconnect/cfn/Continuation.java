package dev.stepconnect.cfn;

import dev.stepconnect.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a request stands in a chain of invocations. A provider whose work outlives one invocation (an
 * OAuth connection AUTHORIZING for many minutes) hands the request on to a later asynchronous
 * invocation of the same function; the event then carries this marker under {@link #FIELD}.
 * {@code attempt} is 0 for CloudFormation's own invocation; {@code startedAt} is when that first
 * invocation began (ServiceTimeout and the overall wait count from there); {@code handOnAllowed} is
 * the runner's decision that one more hand-on still fits (chain bound, time left before ServiceTimeout).
 */
public record Continuation(int attempt, Instant startedAt, boolean handOnAllowed) {
    /** The event field that carries the marker (CloudFormation never sends it). */
    public static final String FIELD = "StepConnectContinuation";

    /**
     * The marker an event carries, or a fresh chain starting {@code now}. Unusable markers start a fresh
     * chain; {@code startedAt} is kept within the last hour (CloudFormation's longest wait: an older chain
     * is over anyway) and never after {@code now}, so no deadline computed from it can overflow.
     */
    static Continuation of(JsonObject event, Instant now) {
        try {
            return event.object(FIELD).map(marker -> {
                long attempt = marker.number("attempt").orElse(0L);
                Instant started = marker.string("startedAt").map(Instant::parse).orElse(now);
                Instant oldest = now.minus(CustomResourceRunner.DEFAULT_SERVICE_TIMEOUT);
                Instant bounded = started.isAfter(now) ? now : started.isBefore(oldest) ? oldest : started;
                return new Continuation((int) Math.min(Math.max(0, attempt), Integer.MAX_VALUE), bounded, false);
            }).orElse(new Continuation(0, now, false));
        } catch (RuntimeException unusable) {
            return new Continuation(0, now, false);
        }
    }

    Continuation allowingHandOn(boolean allowed) {
        return new Continuation(attempt, startedAt, allowed);
    }

    /** {@code event} with the marker of the next link in the chain. */
    Map<String, Object> nextEvent(JsonObject event) {
        Map<String, Object> next = new LinkedHashMap<>(event.asMap());
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("attempt", attempt + 1);
        marker.put("startedAt", startedAt.toString());
        next.put(FIELD, marker);
        return next;
    }
}
