package dev.stepconnect.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The point in time by which a piece of work must be finished: the earlier of a configured wait and
 * the Lambda deadline less a safety margin (time to answer, roll back or report).
 */
public record Deadline(Instant at, Clock clock) {

    public static Deadline in(Duration duration, Clock clock) {
        return new Deadline(clock.instant().plus(duration), clock);
    }

    /** The Lambda's own deadline less {@code margin}, capped at {@code cap} from now. */
    public static Deadline forInvocation(Context context, Duration margin, Duration cap, Clock clock) {
        Instant now = clock.instant();
        Instant lambdaDeadline = now.plusMillis(context.getRemainingTimeInMillis()).minus(margin);
        Instant capped = now.plus(cap);
        return new Deadline(lambdaDeadline.isBefore(capped) ? lambdaDeadline : capped, clock);
    }

    public Duration remaining() {
        Duration left = Duration.between(clock.instant(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The earlier of this deadline and {@code other}. */
    public Deadline min(Deadline other) {
        return other.at.isBefore(at) ? other : this;
    }

    /** This deadline moved earlier by {@code margin}. */
    public Deadline minus(Duration margin) {
        return new Deadline(at.minus(margin), clock);
    }
}
