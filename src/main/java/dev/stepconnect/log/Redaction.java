package dev.stepconnect.log;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The redaction guard every log line, CloudFormation {@code Reason} and error message passes through.
 * Code that handles a credential registers its value here as soon as it reads it; from then on the
 * value is masked wherever it would appear, in every form an echo can take:
 * <ul>
 *   <li>as it is, and URL-encoded (a form body or query string);</li>
 *   <li>JSON- or backslash-escaped, once or twice ({@code \"}, {@code \\}, {@code \/}, {@code \n},
 *       {@code \u00e9} in either case, surrogate pairs): the text's escapes are decoded and matches are
 *       mapped back onto the original characters, so any mix of escaped and plain characters is caught;</li>
 *   <li>values shorter than {@value #SHORT_LENGTH} characters, which would mask every other word if masked
 *       everywhere, only as a whole quoted token ({@code "ab"}, {@code 'ab'}). They are kept out of
 *       messages by policy instead: AWS error text from a request that carried a credential is never
 *       copied into a log line or a Reason (callers use the error code and their own words).</li>
 * </ul>
 *
 * <p><b>Lifetime.</b> A handler opens a {@link Scope} for each invocation ({@link #open()}); every value
 * registered while a scope is open is held until every scope open at registration time has closed, so
 * a value in use is never forgotten, however many values a long-lived container has seen. Released
 * values stay masked too, the least recently registered of them dropped first once more than
 * {@value #MAX_RELEASED} have been released (they belong to finished invocations). A value registered
 * while no scope is open counts as released at once.
 *
 * <p>Pre-signed URLs (CloudFormation ResponseURL, S3) are masked by shape, because anyone holding one
 * can forge the answer it signs.
 */
public final class Redaction {
    public static final String MASK = "****";
    /** Values shorter than this are masked only as a whole quoted token. */
    static final int SHORT_LENGTH = 4;
    /** Released values remembered beyond their invocation; values in use are never counted or dropped. */
    static final int MAX_RELEASED = 1024;

    private static final Object LOCK = new Object();
    private static final Map<String, Integer> IN_USE = new HashMap<>();
    private static final LinkedHashMap<String, Boolean> RELEASED = new LinkedHashMap<>(64, 0.75f, true);
    private static final Set<Scope> OPEN = new LinkedHashSet<>();
    private static volatile Secret[] secrets = new Secret[0];
    /** Set when the registered values changed; the masking table is rebuilt by the next scrub. */
    private static volatile boolean stale;

    private static final Pattern PRESIGNED_URL = Pattern.compile(
            "https?://[^\\s\"']*(?:X-Amz-Signature|X-Amz-Credential|Signature=|AWSAccessKeyId=)[^\\s\"']*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SIGNATURE_PARAM = Pattern.compile(
            "(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature)=[^&\\s\"']+",
            Pattern.CASE_INSENSITIVE);

    private Redaction() {
    }

    /**
     * Opens a registration scope (one per invocation, or per worker thread that may outlive it): values
     * registered until it closes stay masked at least that long. Close it in a try-with-resources.
     */
    public static Scope open() {
        Scope scope = new Scope();
        synchronized (LOCK) {
            OPEN.add(scope);
        }
        return scope;
    }

    /** Remembers a credential value (any length) so that every form of it is masked from now on. */
    public static void register(String secret) {
        if (secret == null || secret.isEmpty()) {
            return;
        }
        synchronized (LOCK) {
            boolean changed = false;
            if (OPEN.isEmpty()) {
                changed = RELEASED.put(secret, Boolean.TRUE) == null && !IN_USE.containsKey(secret);
                changed |= trimReleased();
            } else {
                for (Scope scope : OPEN) {
                    if (scope.values.add(secret)) {
                        changed |= IN_USE.merge(secret, 1, Integer::sum) == 1 && RELEASED.remove(secret) == null;
                    }
                }
            }
            if (changed) {
                rebuild();
            }
        }
    }

    /** {@code text} with every registered value (in every form) and every pre-signed URL masked. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        Secret[] current = current();
        if (current.length > 0) {
            result = maskLiterals(result, current);
            if (result.indexOf('\\') >= 0) {
                result = maskEscaped(result, current);
            }
        }
        if (result.indexOf("://") >= 0) {
            result = PRESIGNED_URL.matcher(result).replaceAll("[pre-signed URL redacted]");
        }
        return SIGNATURE_PARAM.matcher(result).replaceAll("$1=" + MASK);
    }

    /** Registrations of one invocation; see {@link Redaction}. */
    public static final class Scope implements AutoCloseable {
        private final Set<String> values = new LinkedHashSet<>();

        private Scope() {
        }

        @Override
        public void close() {
            synchronized (LOCK) {
                if (!OPEN.remove(this)) {
                    return;
                }
                for (String value : values) {
                    if (IN_USE.merge(value, -1, Integer::sum) <= 0) {
                        IN_USE.remove(value);
                        RELEASED.put(value, Boolean.TRUE);
                    }
                }
                values.clear();
                trimReleased();
                rebuild();
            }
        }
    }

    /** How many values are currently held by open scopes (for tests and diagnostics). */
    static int inUseCount() {
        synchronized (LOCK) {
            return IN_USE.size();
        }
    }

    private static boolean trimReleased() {
        boolean trimmed = false;
        var oldest = RELEASED.keySet().iterator();
        while (RELEASED.size() > MAX_RELEASED && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
            trimmed = true;
        }
        return trimmed;
    }

    private static void rebuild() {
        stale = true;
    }

    private static Secret[] current() {
        if (!stale) {
            return secrets;
        }
        synchronized (LOCK) {
            if (stale) {
                Set<String> all = new LinkedHashSet<>(IN_USE.keySet());
                all.addAll(RELEASED.keySet());
                // Longest first, so a value containing another is masked whole.
                secrets = all.stream().sorted((a, b) -> b.length() - a.length()).map(Secret::of).toArray(Secret[]::new);
                stale = false;
            }
            return secrets;
        }
    }

    /** A registered value and the literal forms searched for it. */
    private record Secret(String value, boolean isShort, List<String> literals) {
        static Secret of(String value) {
            boolean isShort = value.length() < SHORT_LENGTH;
            Set<String> forms = new LinkedHashSet<>();
            if (isShort) {
                forms.add("\"" + value + "\"");
                forms.add("'" + value + "'");
            } else {
                forms.add(value);
                String formEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
                forms.add(formEncoded);
                forms.add(formEncoded.replace("+", "%20"));
            }
            return new Secret(value, isShort, List.copyOf(forms));
        }

        /** The forms searched in text whose escapes were decoded. */
        List<String> decodedForms() {
            return isShort ? List.of("\"" + value + "\"", "'" + value + "'") : List.of(value);
        }
    }

    private static String maskLiterals(String text, Secret[] current) {
        String result = text;
        for (Secret secret : current) {
            for (String form : secret.literals()) {
                if (result.contains(form)) {
                    result = result.replace(form, MASK);
                }
            }
        }
        return result;
    }

    /**
     * Decodes the text's backslash escapes (one level, then a second for text quoted twice), finds the
     * values in the decoded text, and masks the original characters each match came from.
     */
    private static String maskEscaped(String text, Secret[] current) {
        Decoded once = Decoded.of(text);
        List<int[]> spans = new ArrayList<>(find(once, current));
        if (once.text().indexOf('\\') >= 0) {
            Decoded twice = Decoded.of(once.text());
            for (int[] span : find(twice, current)) {
                spans.add(new int[] {once.start()[span[0]], once.end()[span[1] - 1]});
            }
        }
        if (spans.isEmpty()) {
            return text;
        }
        spans.sort((a, b) -> a[0] - b[0]);
        StringBuilder out = new StringBuilder(text.length());
        int position = 0;
        for (int[] span : spans) {
            if (span[1] <= position) {
                continue;
            }
            if (span[0] > position) {
                out.append(text, position, span[0]);
            }
            if (span[0] >= position) {
                out.append(MASK);
            }
            position = span[1];
        }
        out.append(text, position, text.length());
        return out.toString();
    }

    /** Spans {start, end} in the coordinates of the text {@code decoded} was decoded from. */
    private static List<int[]> find(Decoded decoded, Secret[] current) {
        List<int[]> spans = new ArrayList<>();
        String haystack = decoded.text();
        for (Secret secret : current) {
            for (String form : secret.decodedForms()) {
                for (int at = haystack.indexOf(form); at >= 0; at = haystack.indexOf(form, at + 1)) {
                    spans.add(new int[] {decoded.start()[at], decoded.end()[at + form.length() - 1]});
                }
            }
        }
        return spans;
    }

    /** Text with its backslash escapes decoded; character i came from {@code [start[i], end[i])} of the source. */
    private record Decoded(String text, int[] start, int[] end) {
        static Decoded of(String source) {
            int length = source.length();
            StringBuilder out = new StringBuilder(length);
            int[] start = new int[length];
            int[] end = new int[length];
            int i = 0;
            while (i < length) {
                char c = source.charAt(i);
                int consumed = 1;
                char decoded = c;
                if (c == '\\' && i + 1 < length) {
                    char next = source.charAt(i + 1);
                    switch (next) {
                        case '"', '\\', '/', '\'' -> {
                            decoded = next;
                            consumed = 2;
                        }
                        case 'b' -> {
                            decoded = '\b';
                            consumed = 2;
                        }
                        case 'f' -> {
                            decoded = '\f';
                            consumed = 2;
                        }
                        case 'n' -> {
                            decoded = '\n';
                            consumed = 2;
                        }
                        case 'r' -> {
                            decoded = '\r';
                            consumed = 2;
                        }
                        case 't' -> {
                            decoded = '\t';
                            consumed = 2;
                        }
                        case 'u' -> {
                            int code = hex4(source, i + 2);
                            if (code >= 0) {
                                decoded = (char) code;
                                consumed = 6;
                            }
                        }
                        default -> {
                            // not an escape: the backslash stands for itself
                        }
                    }
                }
                start[out.length()] = i;
                end[out.length()] = i + consumed;
                out.append(decoded);
                i += consumed;
            }
            return new Decoded(out.toString(), start, end);
        }

        private static int hex4(String source, int from) {
            if (from + 4 > source.length()) {
                return -1;
            }
            int value = 0;
            for (int k = from; k < from + 4; k++) {
                int digit = Character.digit(source.charAt(k), 16);
                if (digit < 0) {
                    return -1;
                }
                value = value * 16 + digit;
            }
            return value;
        }
    }
}
