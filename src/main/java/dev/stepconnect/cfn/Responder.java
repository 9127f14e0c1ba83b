package dev.stepconnect.cfn;

import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Answers one request exactly once. The main path and the deadline timer race for the answer; the
 * first compare-and-set wins and the loser's answer is dropped, so CloudFormation never sees two. The
 * main path may also claim the request to hand it on to a later invocation instead of answering.
 */
public final class Responder {
    private static final Log LOG = Log.named("cfn-response");
    private final ResponseTarget target;
    private final ResponseUrlSender sender;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<Delivery> delivered = new CompletableFuture<>();

    public Responder(ResponseTarget target, ResponseUrlSender sender) {
        this.target = target;
        this.sender = sender;
    }

    /** Takes the right to answer (or hand on); false when someone else holds it already. */
    public boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /**
     * Sends the answer (only for the holder of the claim) and passes the outcome to {@code report} before anyone waiting in
     * {@link #awaitDelivery} learns it, so the report is always written before the function returns.
     */
    public Delivery deliver(CustomResourceResponse response, Deadline sendDeadline, Consumer<Delivery> report) {
        Delivery delivery;
        try {
            delivery = sender.send(target.responseUrl(), ResponseBody.render(target, response), sendDeadline);
        } catch (Throwable e) {
            LOG.error("response could not be sent", e);
            delivery = Delivery.notAttempted(e.getClass().getSimpleName());
        }
        try {
            report.accept(delivery);
        } finally {
            delivered.complete(delivery);
        }
        return delivery;
    }

    /** Records that the claim holder handed the request on: nothing is sent from this invocation. */
    public void handedOn() {
        delivered.complete(new Delivery(true, 0, "handed on"));
    }

    /** Waits for the winning answer's PUT to finish, so the function does not freeze mid-PUT; empty if it did not. */
    public Optional<Delivery> awaitDelivery(Duration limit) {
        try {
            return Optional.of(delivered.get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }
}
