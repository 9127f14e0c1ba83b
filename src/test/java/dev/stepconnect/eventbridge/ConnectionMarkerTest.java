package dev.stepconnect.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionMarkerTest {
    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/app/0b4f7e10-1111-2222-3333-444455556666";
    private static final String SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf";

    @Test
    void aMarkerCarryingASourceVersionRoundTripsAndReplacesTheOlderOne() {
        ConnectionMarker created = ConnectionMarker.of(STACK, "Conn", "req-1").carrying(SECRET, "v1");
        String description = created.appendTo("orders partner");
        ConnectionMarker rotated = ConnectionMarker.find(description).orElseThrow().carrying(SECRET, "v2");
        String next = rotated.appendTo(description);

        assertThat(next).startsWith("orders partner [stepconnect:owner=").hasSizeLessThanOrEqualTo(
                "orders partner".length() + ConnectionMarker.MAX_RENDERED_LENGTH);
        assertThat(ConnectionMarker.userText(next)).isEqualTo("orders partner");
        ConnectionMarker found = ConnectionMarker.find(next).orElseThrow();
        assertThat(found.sameRequest(created)).isTrue();
        assertThat(found.namesSource(SECRET)).isTrue();
        assertThat(found.namesSource(SECRET + "x")).isFalse();
        assertThat(found.carriesVersion("v2")).isTrue();
        assertThat(found.carriesVersion("v1")).isFalse();
        assertThat(next).doesNotContain(SECRET).doesNotContain("v2");
    }

    @Test
    void anOwnerAdoptsAConnectionWithTheSourcePartAlone() {
        String adopted = "made by hand [stepconnect:source=" + ConnectionMarker.sourceHash(SECRET) + "]";
        ConnectionMarker marker = ConnectionMarker.find(adopted).orElseThrow();

        assertThat(marker.owner()).isNull();
        assertThat(marker.namesSource(SECRET)).isTrue();
        assertThat(marker.carriesVersion("v1")).isFalse();
        assertThat(marker.sameOwner(ConnectionMarker.of(STACK, "Conn", "r"))).isFalse();
    }

    @Test
    void markersWrittenBeforeSourcesWereRecordedStillParse() {
        String legacy = "x [stepconnect:owner=0123456789abcdef;request=fedcba9876543210]";
        ConnectionMarker marker = ConnectionMarker.find(legacy).orElseThrow();

        assertThat(marker.owner()).isEqualTo("0123456789abcdef");
        assertThat(marker.source()).isNull();
        assertThat(marker.namesSource(SECRET)).isFalse();
        assertThat(ConnectionMarker.find("no marker [stepconnect:owner=xyz]")).isEmpty();
    }

    @Test
    void recordingTheVersionOnAnAdoptedConnectionNeverPushesItsDescriptionPastEventBridgesLimit() {
        // The owner adopted a connection whose Description was close to the limit; the version part makes the
        // marker longer, and EventBridge refuses a Description over 512 characters (every rotation would roll back).
        String marker = "[stepconnect:source=" + ConnectionMarker.sourceHash(SECRET) + "]";
        String adopted = "d".repeat(512 - marker.length() - 1) + " " + marker;
        assertThat(adopted).hasSize(512);

        String written = ConnectionMarker.find(adopted).orElseThrow().carrying(SECRET, "v1").appendTo(adopted);

        assertThat(written).hasSizeLessThanOrEqualTo(512);
        ConnectionMarker found = ConnectionMarker.find(written).orElseThrow();
        assertThat(found.namesSource(SECRET)).isTrue();
        assertThat(found.carriesVersion("v1")).isTrue();
        assertThat(ConnectionMarker.userText(written)).startsWith("ddd");
    }
}
