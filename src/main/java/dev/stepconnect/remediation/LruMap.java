package dev.stepconnect.remediation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Access-ordered map that drops its least recently used entry beyond {@code capacity}: what a warm
 * container remembers (handled failures, tags, budgets, alarms) must not grow with every state machine
 * or execution it ever saw. Not thread-safe; owners synchronise.
 */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    LruMap(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
