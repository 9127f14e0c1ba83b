package dev.stepconnect.credentials;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The rule for URLs StepConnect calls with a credential (a secret's OAuth authorization endpoint, a
 * rotation test endpoint): {@code https://}, or plain {@code http://} only on a loopback IP literal or
 * {@code localhost} (local runs and tests), so a credential never crosses a network in clear text.
 */
public final class EndpointUrls {
    private EndpointUrls() {
    }

    /** Whether {@code uri} is https, or http on a loopback host. */
    public static boolean isAllowed(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            return false;
        }
        return scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()));
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Only IP literals: never resolve a name here, or DNS could make any host "loopback".
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
