package dev.stepconnect.connection;

import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/** Reads an existing connection's Description, where its {@link OwnershipMarker} lives (ConnectionDescription omits it). */
public final class ConnectionMarkers {
    private final EventBridgeClient events;

    public ConnectionMarkers(EventBridgeClient events) {
        this.events = events;
    }

    /** Empty when no connection has that name; otherwise its Description ("" when it has none). */
    public Optional<String> descriptionOf(String name) {
        try {
            String description = events.describeConnection(r -> r.name(name)).description();
            return Optional.of(description == null ? "" : description);
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }
}
