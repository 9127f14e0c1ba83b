package dev.stepconnect.connection;

import dev.stepconnect.eventbridge.ConnectionMarker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.connection.TakeoverGuard.Decision;
import org.junit.jupiter.api.Test;

class OwnershipTest {
    private static final String STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/app/0b4f7e10-1111-2222-3333-444455556666";
    private static final String OTHER_STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/app/9c8d7e10-1111-2222-3333-444455556666";

    @Test
    void markerRoundTripsThroughADescription() {
        ConnectionMarker marker = ConnectionMarker.of(STACK, "Conn", "req-1");
        String description = marker.appendTo("orders partner");

        assertThat(description).startsWith("orders partner [stepconnect:owner=");
        assertThat(description.length()).isEqualTo("orders partner ".length() + marker.render().length());
        assertThat(ConnectionMarker.find(description)).contains(marker);
        assertThat(ConnectionMarker.find(marker.appendTo(null))).contains(marker);
        assertThat(ConnectionMarker.find("orders partner")).isEmpty();
        assertThat(ConnectionMarker.find(null)).isEmpty();
        assertThat(description).doesNotContain(STACK).doesNotContain("req-1");
    }

    @Test
    void aRetryOfTheSameRequestResumesItsOwnWork() {
        ConnectionMarker ours = ConnectionMarker.of(STACK, "Conn", "req-1");
        ConnectionMarker existing = ConnectionMarker.of(STACK, "Conn", "req-1")
                .carrying("arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf", "v1");

        assertThat(TakeoverGuard.decide(existing, ours)).isEqualTo(Decision.RESUME_OWN_REQUEST);
    }

    @Test
    void anotherRequestOfTheSameResourceReusesItsConnection() {
        // An earlier Create of this resource that hung, or an update rolling back to a previous Name.
        ConnectionMarker ours = ConnectionMarker.of(STACK, "Conn", "req-2");
        ConnectionMarker existing = ConnectionMarker.of(STACK, "Conn", "req-1");

        assertThat(TakeoverGuard.decide(existing, ours)).isEqualTo(Decision.REUSE_OWNED);
    }

    @Test
    void foreignOrUnmarkedConnectionsAreRefused() {
        ConnectionMarker ours = ConnectionMarker.of(STACK, "Conn", "req-1");

        assertThat(TakeoverGuard.decide(null, ours)).isEqualTo(Decision.REFUSE);
        assertThat(TakeoverGuard.decide(ConnectionMarker.of(OTHER_STACK, "Conn", "req-1"), ours))
                .isEqualTo(Decision.REFUSE);
        assertThat(TakeoverGuard.decide(ConnectionMarker.of(STACK, "OtherConn", "req-1"), ours))
                .isEqualTo(Decision.REFUSE);
        // A connection adopted for rotation by hand names a source but no owner: no stack resource owns it.
        assertThat(TakeoverGuard.decide(ConnectionMarker.find("[stepconnect:source=0123456789abcdef]").orElse(null), ours))
                .isEqualTo(Decision.REFUSE);
    }

    @Test
    void aResourceManagesOnlyConnectionsWhoseMarkerNamesIt() {
        ConnectionMarker ours = ConnectionMarker.of(STACK, "Conn", "req-2");

        assertThat(TakeoverGuard.mayManage(ConnectionMarker.of(STACK, "Conn", "req-1"), ours)).isTrue();
        assertThat(TakeoverGuard.mayManage(null, ours)).isFalse();
        assertThat(TakeoverGuard.mayManage(ConnectionMarker.of(OTHER_STACK, "Conn", "req-1"), ours)).isFalse();
        assertThat(TakeoverGuard.mayManage(ConnectionMarker.of(STACK, "OtherConn", "req-2"), ours)).isFalse();
    }
}
