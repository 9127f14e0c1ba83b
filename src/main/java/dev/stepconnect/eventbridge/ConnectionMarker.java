package dev.stepconnect.eventbridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * StepConnect's record on a connection, written at the end of its Description (the one free-text field
 * every EventBridge implementation stores and returns; connections take no tags). Every part is a
 * 16-hex-digit hash, so the marker stays short and names no ARN:
 * <ul>
 *   <li>{@code owner} = hash(StackId, LogicalResourceId): the stack resource that manages it (absent on
 *       a connection adopted by hand). A StackId carries a unique id, so no other stack can produce it;</li>
 *   <li>{@code request} = hash(StackId, RequestId) of the request that last wrote it: a Lambda retry of
 *       that same request recognises its own work;</li>
 *   <li>{@code source} = hash(secret ARN): the credentials secret the connection follows. Rotation and
 *       the guardian write only to connections whose marker names their secret as source;</li>
 *   <li>{@code version} = hash(secret VersionId) of the source version whose credential the connection
 *       carries (the credential itself is write-only, so this is how drift is seen).</li>
 * </ul>
 * A connection made outside StepConnect is adopted by its owner by appending
 * {@code [stepconnect:source=<sourceHash(secret ARN)>]} to its Description (see docs/connection.md).
 */
public record ConnectionMarker(String owner, String request, String source, String version) {
    private static final String HASH = "[0-9a-f]{16}";
    private static final Pattern RENDERED = Pattern.compile(
            "\\s?\\[stepconnect:([a-z]+=" + HASH + "(?:;[a-z]+=" + HASH + ")*)]$");
    /** EventBridge's limit on a connection's Description. */
    public static final int MAX_DESCRIPTION = 512;
    /** The longest marker (all four parts) plus the space that separates it from the user's text. */
    public static final int MAX_RENDERED_LENGTH =
            new ConnectionMarker("0".repeat(16), "0".repeat(16), "0".repeat(16), "0".repeat(16)).render().length() + 1;

    /** The marker of a connection written by a CloudFormation request. */
    public static ConnectionMarker of(String stackId, String logicalResourceId, String requestId) {
        return new ConnectionMarker(hash(stackId, logicalResourceId), hash(stackId, requestId), null, null);
    }

    /** The source hash of a secret: what an adopting owner writes as {@code source=}. */
    public static String sourceHash(String secretArn) {
        return sha256Prefix(secretArn);
    }

    /** The version hash of a secret VersionId, as {@code version=} records it (the guardian keeps it too). */
    public static String versionHash(String versionId) {
        return sha256Prefix(versionId);
    }

    /** The marker at the end of a connection's Description, if it has one. */
    public static Optional<ConnectionMarker> find(String description) {
        if (description == null) {
            return Optional.empty();
        }
        Matcher matcher = RENDERED.matcher(description);
        if (!matcher.find()) {
            return Optional.empty();
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : matcher.group(1).split(";")) {
            int equals = part.indexOf('=');
            parts.put(part.substring(0, equals), part.substring(equals + 1));
        }
        return Optional.of(new ConnectionMarker(parts.get("owner"), parts.get("request"), parts.get("source"),
                parts.get("version")));
    }

    /** The user's own text of a Description, without the marker ("" when there is none). */
    public static String userText(String description) {
        return description == null ? "" : RENDERED.matcher(description).replaceFirst("");
    }

    /** This marker, recording that the connection follows {@code secretArn} and carries its {@code versionId}. */
    public ConnectionMarker carrying(String secretArn, String versionId) {
        return new ConnectionMarker(owner, request, sourceHash(secretArn), versionHash(versionId));
    }

    /** Whether the connection follows {@code secretArn}: only then may rotation or the guardian write to it. */
    public boolean namesSource(String secretArn) {
        return source != null && source.equals(sourceHash(secretArn));
    }

    /** Whether the connection carries version {@code versionId} of its source (false when unrecorded). */
    public boolean carriesVersion(String versionId) {
        return version != null && version.equals(versionHash(versionId));
    }

    /** The rendered marker; "" when it records nothing. */
    public String render() {
        if (owner == null && request == null && source == null && version == null) {
            return "";
        }
        StringBuilder rendered = new StringBuilder("[stepconnect:");
        appendPart(rendered, "owner", owner);
        appendPart(rendered, "request", request);
        appendPart(rendered, "source", source);
        appendPart(rendered, "version", version);
        return rendered.append(']').toString();
    }

    /**
     * The Description to store: the user's text (if any, without any older marker) followed by this marker, within
     * EventBridge's {@value #MAX_DESCRIPTION} characters. A connection adopted by hand may carry a Description that
     * leaves no room for a longer marker (one that now records the version): its text is then shortened from the
     * end rather than having every write refused.
     *
     * @see <a href="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateConnection.html">UpdateConnection: Description, at most 512</a>
     */
    public String appendTo(String description) {
        String userText = userText(description);
        String rendered = render();
        if (userText.isBlank() || rendered.isEmpty()) {
            return userText + rendered;
        }
        int room = MAX_DESCRIPTION - rendered.length() - 1;
        if (userText.length() > room) {
            userText = userText.substring(0, Math.max(0, room)).stripTrailing();
        }
        return userText.isEmpty() ? rendered : userText + " " + rendered;
    }

    public boolean sameOwner(ConnectionMarker other) {
        return owner != null && owner.equals(other.owner);
    }

    public boolean sameRequest(ConnectionMarker other) {
        return sameOwner(other) && request != null && request.equals(other.request);
    }

    private static void appendPart(StringBuilder rendered, String key, String value) {
        if (value != null) {
            if (rendered.charAt(rendered.length() - 1) != ':') {
                rendered.append(';');
            }
            rendered.append(key).append('=').append(value);
        }
    }

    private static String hash(String first, String second) {
        return sha256Prefix(first + '\0' + second);
    }

    private static String sha256Prefix(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] bytes = digest.digest(String.valueOf(text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(bytes).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
