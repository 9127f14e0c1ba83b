package dev.stepconnect.cfn;

/**
 * What became of one answer's PUT. {@code lastOutcome} is the last attempt's HTTP status
 * ({@code "HTTP 503"}) or network error kind ({@code "SocketTimeoutException"}), never the URL;
 * {@code attempts} counts every PUT made.
 */
public record Delivery(boolean delivered, int attempts, String lastOutcome) {

    /** Nothing was sent at all (the answer could not even be rendered, or the deadline had passed). */
    public static Delivery notAttempted(String why) {
        return new Delivery(false, 0, why);
    }
}
