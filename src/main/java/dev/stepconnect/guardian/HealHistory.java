package dev.stepconnect.guardian;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The guardian's durable memory of one connection, kept as the value of the tag
 * {@code stepconnect:guardian:<connection>} on the connection's source secret (DescribeSecret returns
 * it with everything else the guardian reads, so it costs no extra call, and it outlives containers).
 * Rendered as space-separated tokens, all characters Secrets Manager allows in tag values:
 * {@code <epoch-second of a heal>... healed=<version hash> refused=<version hash>}, at most 256 characters.
 *
 * @param heals heal times, oldest first; only those inside the window are kept
 * @param healedVersion hash of the source version the last heal applied (null: none)
 * @param refusedVersion hash of a source version the partner refused (null: none)
 * @see <a href="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Tag.html">Secrets Manager Tag</a>
 */
public record HealHistory(List<Instant> heals, String healedVersion, String refusedVersion) {
    /** The flap limit's sliding window. */
    public static final Duration WINDOW = Duration.ofMinutes(60);
    /** A connection that falls again this soon after a heal with the same version had that credential refused. */
    public static final Duration REFUSAL_WINDOW = Duration.ofMinutes(10);
    public static final String TAG_PREFIX = "stepconnect:guardian:";
    /** STEPCONNECT_HEAL_LIMIT's maximum: keeps the rendered value inside a tag value's 256 characters. */
    public static final int MAX_LIMIT = 10;
    private static final String HEALED = "healed=";
    private static final String REFUSED = "refused=";
    public static final HealHistory EMPTY = new HealHistory(List.of(), null, null);

    public HealHistory {
        heals = List.copyOf(heals);
    }

    public static String tagKey(String connectionName) {
        return TAG_PREFIX + connectionName;
    }

    /** Reads a tag value; unreadable tokens are dropped (a hand-edited tag never stops the guardian). */
    public static HealHistory parse(String tagValue) {
        if (tagValue == null || tagValue.isBlank()) {
            return EMPTY;
        }
        List<Instant> heals = new ArrayList<>();
        String healed = null;
        String refused = null;
        for (String token : tagValue.trim().split("\\s+")) {
            if (token.startsWith(HEALED)) {
                healed = hashOrNull(token.substring(HEALED.length()));
            } else if (token.startsWith(REFUSED)) {
                refused = hashOrNull(token.substring(REFUSED.length()));
            } else if (token.matches("\\d{1,12}")) {
                heals.add(Instant.ofEpochSecond(Long.parseLong(token)));
            }
        }
        heals.sort(Comparator.naturalOrder());
        return new HealHistory(heals, healed, refused);
    }

    public String render() {
        List<String> tokens = new ArrayList<>();
        heals.forEach(at -> tokens.add(String.valueOf(at.getEpochSecond())));
        if (healedVersion != null) {
            tokens.add(HEALED + healedVersion);
        }
        if (refusedVersion != null) {
            tokens.add(REFUSED + refusedVersion);
        }
        return String.join(" ", tokens);
    }

    /** Heals in the sliding window ending at {@code now}. */
    public int healsWithin(Instant now) {
        Instant since = now.minus(WINDOW);
        return (int) heals.stream().filter(at -> at.isAfter(since) && !at.isAfter(now)).count();
    }

    /** Whether the last heal applied {@code versionHash} less than {@link #REFUSAL_WINDOW} before {@code now}. */
    public boolean healedMomentsAgo(String versionHash, Instant now) {
        if (heals.isEmpty() || !versionHash.equals(healedVersion)) {
            return false;
        }
        Instant last = heals.get(heals.size() - 1);
        return !last.isAfter(now) && Duration.between(last, now).compareTo(REFUSAL_WINDOW) < 0;
    }

    /**
     * Whether this history no longer decides anything: no heal inside the flap-limit window (so none inside
     * the refusal window either) and no refusal of {@code currentHash} (a refusal is lifted by a new
     * AWSCURRENT). Such a tag can be removed: it only takes one of the secret's 50 tags.
     */
    public boolean expired(Instant now, String currentHash) {
        return healsWithin(now) == 0 && heals.stream().noneMatch(at -> at.isAfter(now)) && !refused(currentHash);
    }

    public boolean refused(String versionHash) {
        return versionHash.equals(refusedVersion);
    }

    /** This history with a heal of {@code versionHash} at {@code now}; older heals outside the window are dropped. */
    public HealHistory withHeal(Instant now, String versionHash) {
        return withHealAttempt(now).withHealed(versionHash);
    }

    /**
     * This history with a heal started at {@code now} (it counts against the flap limit) that has not put a
     * version on yet: a heal whose write failed must not make the connection's next fall look like a refusal.
     */
    public HealHistory withHealAttempt(Instant now) {
        Instant since = now.minus(WINDOW);
        List<Instant> kept = new ArrayList<>(heals.stream().filter(at -> at.isAfter(since)).toList());
        kept.add(now);
        while (kept.size() > MAX_LIMIT) {
            kept.remove(0);
        }
        return new HealHistory(kept, null, refusedVersion);
    }

    /** This history with the last heal recorded as having put {@code versionHash} on the connection. */
    public HealHistory withHealed(String versionHash) {
        return new HealHistory(heals, versionHash, refusedVersion);
    }

    public HealHistory withRefused(String versionHash) {
        return new HealHistory(heals, healedVersion, versionHash);
    }

    private static String hashOrNull(String value) {
        return value.matches("[0-9a-f]{16}") ? value : null;
    }
}
