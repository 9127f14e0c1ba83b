package dev.stepconnect.cfn;

import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Answers one request exactly once. The main path and the deadline timer race for the answer; the
 * first compare-and-set wins and the loser's answer is dropped, so CloudFormation never sees two.
 */
public final class Responder {
    private static final Log LOG = Log.named("cfn-response");
    private final ResponseTarget target;
    private final ResponseUrlSender sender;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<Boolean> delivered = new CompletableFuture<>();

    public Responder(ResponseTarget target, ResponseUrlSender sender) {
        this.target = target;
        this.sender = sender;
    }

    /** @return true when this call was the one that answered (whether or not the PUT got through) */
    public boolean answer(CustomResourceResponse response, Deadline sendDeadline) {
        if (!claimed.compareAndSet(false, true)) {
            return false;
        }
        try {
            delivered.complete(sender.send(target.responseUrl(), ResponseBody.render(target, response), sendDeadline));
        } catch (Throwable e) {
            LOG.error("response could not be sent", e);
            delivered.complete(false);
        }
        return true;
    }

    /** Waits for the winning answer's PUT to finish, so the function does not freeze mid-PUT. */
    public boolean awaitDelivery(Duration limit) {
        try {
            return delivered.get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
