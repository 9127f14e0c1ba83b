package dev.stepconnect.cfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContinuationTest {
    private static final Instant NOW = Instant.parse("2026-11-29T22:00:00Z");

    @Test
    void cloudFormationsOwnRequestStartsAChain() {
        Continuation chain = Continuation.of(Json.parseObject("{\"RequestId\":\"r\"}"), NOW);

        assertThat(chain.attempt()).isZero();
        assertThat(chain.startedAt()).isEqualTo(NOW);
        assertThat(chain.handOnAllowed()).isFalse();
    }

    @Test
    void theNextEventCarriesTheChainsStartAndTheNextAttempt() {
        JsonObject original = Json.parseObject("{\"RequestId\":\"r\",\"ResponseURL\":\"https://example.com/x\"}");
        Continuation first = Continuation.of(original, NOW);

        JsonObject next = Json.parseObject(Json.write(first.nextEvent(original)));
        Continuation second = Continuation.of(next, NOW.plusSeconds(290));

        assertThat(next.string("RequestId")).contains("r");
        assertThat(next.string("ResponseURL")).contains("https://example.com/x");
        assertThat(second.attempt()).isEqualTo(1);
        assertThat(second.startedAt()).isEqualTo(NOW);
    }

    @Test
    void anUnusableMarkerStartsAFreshChainAndAFutureStartIsClampedToNow() {
        assertThat(Continuation.of(Json.parseObject(Json.write(Map.of(Continuation.FIELD, "garbage"))), NOW).attempt())
                .isZero();
        Continuation bad = Continuation.of(Json.parseObject(Json.write(Map.of(Continuation.FIELD,
                Map.of("attempt", 3, "startedAt", "yesterday")))), NOW);
        assertThat(bad.attempt()).isZero();
        assertThat(bad.startedAt()).isEqualTo(NOW);
        Continuation future = Continuation.of(Json.parseObject(Json.write(Map.of(Continuation.FIELD,
                Map.of("attempt", 2, "startedAt", NOW.plusSeconds(7200).toString())))), NOW);
        assertThat(future.attempt()).isEqualTo(2);
        assertThat(future.startedAt()).isEqualTo(NOW);
    }
}
