package dev.stepconnect.connection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who created a connection, written at the end of its Description (the one free-text field every
 * EventBridge implementation stores and returns; connections take no tags at creation). Two hashes:
 * <ul>
 *   <li>{@code owner} = hash(StackId, LogicalResourceId): the stack resource that manages it. A StackId
 *       carries a unique id, so no other stack — not even a re-created one with the same name — can
 *       produce it;</li>
 *   <li>{@code request} = hash(StackId, RequestId) of the request that last wrote it: a Lambda retry or
 *       duplicate delivery of that same request recognises its own work instead of reporting a
 *       conflict.</li>
 * </ul>
 * Hashes, not the raw ids, keep the Description short and the stack's ARN out of it. A connection
 * without a marker was made by someone else and is never taken over.
 */
public record OwnershipMarker(String owner, String request) {
    private static final Pattern RENDERED = Pattern.compile("\\[stepconnect:owner=([0-9a-f]{16});request=([0-9a-f]{16})]$");
    static final int RENDERED_LENGTH = new OwnershipMarker("0".repeat(16), "0".repeat(16)).render().length();

    public static OwnershipMarker of(String stackId, String logicalResourceId, String requestId) {
        return new OwnershipMarker(hash(stackId, logicalResourceId), hash(stackId, requestId));
    }

    /** The marker at the end of a connection's Description, if it has one. */
    public static Optional<OwnershipMarker> find(String description) {
        if (description == null) {
            return Optional.empty();
        }
        Matcher matcher = RENDERED.matcher(description);
        return matcher.find() ? Optional.of(new OwnershipMarker(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    public String render() {
        return "[stepconnect:owner=" + owner + ";request=" + request + "]";
    }

    /** The Description to store: the user's text (if any) followed by the marker. */
    public String appendTo(String userDescription) {
        return userDescription == null || userDescription.isBlank() ? render() : userDescription + " " + render();
    }

    public boolean sameOwner(OwnershipMarker other) {
        return owner.equals(other.owner);
    }

    public boolean sameRequest(OwnershipMarker other) {
        return sameOwner(other) && request.equals(other.request);
    }

    private static String hash(String first, String second) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.valueOf(first).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(second).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
