package dev.stepconnect.remediation;

import dev.stepconnect.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * A state machine's settings, read from its tags at most once per {@code ttl} per container, so a
 * burst of failures costs one ListTagsForResource, not one per event. Bounded (LRU).
 */
public final class TagCache {
    /** How long a state machine's tags are trusted before they are read again. */
    static final Duration TTL = Duration.ofMinutes(5);
    private static final int MAX_MACHINES = 256;
    private static final Log LOG = Log.named("remediation.tags");
    private final Function<String, Map<String, String>> loader;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> entries = new LruMap<>(MAX_MACHINES);

    private record Entry(StateMachineSettings settings, long loadedMillis) {
    }

    public TagCache(Function<String, Map<String, String>> loader, Duration ttl, Clock clock) {
        this.loader = loader;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The cache of the state machines' tags as {@code stepFunctions} reads them, kept for {@link #TTL}. */
    public static TagCache of(StepFunctionsGateway stepFunctions, Clock clock) {
        return new TagCache(stepFunctions::tags, TTL, clock);
    }

    public synchronized StateMachineSettings settings(String stateMachineArn) {
        long now = clock.millis();
        Entry entry = entries.get(stateMachineArn);
        if (entry == null || now - entry.loadedMillis() >= ttl.toMillis()) {
            entry = new Entry(StateMachineSettings.fromTags(loader.apply(stateMachineArn)), now);
            entries.put(stateMachineArn, entry);
            // Said once per load, not once per failure: a storm must not repeat it thousands of times.
            if (!entry.settings().problems().isEmpty()) {
                LOG.warn("ignoring invalid StepConnect tags", "stateMachineArn", stateMachineArn,
                        "problems", entry.settings().problems());
            }
        }
        return entry.settings();
    }
}
