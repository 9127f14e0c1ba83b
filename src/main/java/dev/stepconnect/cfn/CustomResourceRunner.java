package dev.stepconnect.cfn;

import com.amazonaws.services.lambda.runtime.Context;
import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.log.Log;
import dev.stepconnect.log.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The custom resource protocol around a {@link CustomResourceProvider}: every invocation that carries
 * a usable ResponseURL gets exactly one answer — after success, after any exception or {@link Error},
 * when the event is malformed, when the provider could not even be built, and from a timer shortly
 * before the Lambda deadline when the work is stuck. Without that answer a stack waits for an hour.
 */
public final class CustomResourceRunner {
    private static final Log LOG = Log.named("custom-resource");
    private static final Pattern STRING_FIELD = Pattern.compile(
            "\"(ResponseURL|StackId|RequestId|LogicalResourceId|RequestType|PhysicalResourceId)\"\\s*:\\s*\"([^\"\\\\]{1,2048})\"");
    /** CloudFormation's wait for an answer when the resource sets no {@code ServiceTimeout}. */
    static final Duration DEFAULT_SERVICE_TIMEOUT = Duration.ofHours(1);
    /** Most hand-ons of one request (with a 300 s function: over an hour, CloudFormation's longest wait). */
    public static final int MAX_HAND_ONS = 12;
    /** Least time the next link of a chain must have before ServiceTimeout to be worth starting. */
    static final Duration MIN_NEXT_LINK = Duration.ofSeconds(30);

    private final Supplier<CustomResourceProvider> provider;
    private final ResponseUrlSender sender;
    private final Duration timerMargin;
    private final Clock clock;
    private final Continuer continuer;

    /**
     * @param provider    yields the provider, or throws {@link ProviderUnavailableException} when init failed
     * @param timerMargin how long before the Lambda deadline the timer answers FAILED; it must leave
     *                    time for the PUT and its retries
     */
    public CustomResourceRunner(Supplier<CustomResourceProvider> provider, ResponseUrlSender sender,
                                Duration timerMargin, Clock clock) {
        this(provider, sender, timerMargin, clock, Continuer.NONE);
    }

    /** @param continuer hands a request whose provider throws {@link ContinueLaterException} on to a later invocation */
    public CustomResourceRunner(Supplier<CustomResourceProvider> provider, ResponseUrlSender sender,
                                Duration timerMargin, Clock clock, Continuer continuer) {
        this.provider = provider;
        this.sender = sender;
        this.timerMargin = timerMargin;
        this.clock = clock;
        this.continuer = continuer;
    }

    /**
     * Answers the request in {@code input} exactly once (or hands it on to a later invocation).
     *
     * @throws UndeliveredResponseException when the answer could not be delivered before the deadline:
     *                                      the invocation fails so that Lambda retries it
     */
    public void run(InputStream input, Context context) {
        // Credentials read during this invocation stay masked at least until it (and its worker) ends.
        try (Redaction.Scope invocation = Redaction.open()) {
            runScoped(input, context);
        }
    }

    private void runScoped(InputStream input, Context context) {
        long started = System.nanoTime();
        Deadline lambdaDeadline = Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), clock);
        ParsedEvent parsed = readEvent(input);
        JsonObject event = parsed.event();
        Optional<ResponseTarget> maybeTarget = CustomResourceRequest.target(event);
        if (maybeTarget.isEmpty()) {
            LOG.error("request has no usable ResponseURL; there is nobody to answer", null,
                    "requestType", field(event, "RequestType"), "logicalResourceId", field(event, "LogicalResourceId"),
                    "stackId", field(event, "StackId"), "outcome", "UNANSWERABLE", "durationMs", millisSince(started));
            return;
        }
        ResponseTarget target = maybeTarget.get();
        Continuation chain = Continuation.of(event, clock.instant());
        Duration returnMargin = timerMargin.dividedBy(4);
        // CloudFormation stops waiting ServiceTimeout after it sent the request (the chain's start) and
        // ignores a later answer: the timer must answer before that, and no PUT is worth sending after it.
        Duration serviceTimeout = serviceTimeout(event).orElse(DEFAULT_SERVICE_TIMEOUT);
        Deadline serviceDeadline = new Deadline(chain.startedAt().plus(serviceTimeout), clock);
        Deadline lastWorkMoment = serviceDeadline.minus(min(timerMargin, serviceTimeout.dividedBy(4)));
        Deadline workDeadline = lambdaDeadline.minus(timerMargin).min(lastWorkMoment);
        Deadline answerDeadline = lambdaDeadline.minus(returnMargin).min(serviceDeadline);
        boolean handOnAllowed = continuer != Continuer.NONE && chain.attempt() < MAX_HAND_ONS
                && lastWorkMoment.at().isAfter(lambdaDeadline.at().plus(MIN_NEXT_LINK));
        Invocation invocation = new Invocation(parsed, target, chain.allowingHandOn(handOnAllowed),
                failurePhysicalId(event, target), new Responder(target, sender), new CountDownLatch(1), context,
                workDeadline, answerDeadline, started);
        startDeadlineTimer(invocation);
        // The work runs on its own thread so that this one can return before the Lambda deadline even when
        // an AWS call hangs: a timed-out invocation is retried by Lambda, and the retry would send
        // CloudFormation a second answer for a request the timer has already answered.
        // The worker may still clean up after the timer's answer (see process): wait for it until the
        // function must return, not only until the answer is sent.
        if (!runUntil(() -> process(invocation), lambdaDeadline.minus(returnMargin))) {
            LOG.warn("provider still working at the function deadline; returning with the timer's answer",
                    "requestType", field(event, "RequestType"), "logicalResourceId", target.logicalResourceId(),
                    "stackId", target.stackId(), "durationMs", millisSince(started));
        }
        Optional<Delivery> delivery = invocation.responder()
                .awaitDelivery(lambdaDeadline.minus(returnMargin.dividedBy(2)).remaining());
        if (delivery.isEmpty() || !delivery.get().delivered()) {
            throw new UndeliveredResponseException("the answer to CloudFormation's " + field(event, "RequestType")
                    + " request for " + target.logicalResourceId() + " could not be delivered ("
                    + delivery.map(d -> d.attempts() + " attempts, last: " + d.lastOutcome()).orElse("still sending")
                    + "); the invocation fails so that Lambda retries it");
        }
    }

    /** The worker may outlive the invocation (stuck AWS call): it holds its own redaction scope. */
    private void process(Invocation invocation) {
        try (Redaction.Scope worker = Redaction.open()) {
            processScoped(invocation);
        }
    }

    private void processScoped(Invocation invocation) {
        JsonObject event = invocation.parsed().event();
        ResponseTarget target = invocation.target();
        CustomResourceRequest request = null;
        CustomResourceProvider resolved = null;
        CustomResourceResponse response;
        try {
            if (invocation.parsed().malformed()) {
                throw new InvalidRequestException("the event is not valid JSON");
            }
            request = CustomResourceRequest.parse(event).withContinuation(invocation.chain());
            resolved = resolvedFor(request);
            response = resolved == null ? CustomResourceResponse.success(request.physicalResourceId(), Map.of(), false)
                    : resolved.handle(request, invocation.workDeadline());
        } catch (ContinueLaterException later) {
            if (invocation.chain().handOnAllowed()) {
                handOn(invocation, later, request, resolved);
                return;
            }
            response = CustomResourceResponse.failed(invocation.failureId(), Redaction.scrub(later.getMessage()));
        } catch (Throwable failure) {
            response = CustomResourceResponse.failed(invocation.failureId(),
                    explain(failure, resolved, invocation.context()));
            LOG.error("request failed", failure, "requestType", field(event, "RequestType"),
                    "logicalResourceId", target.logicalResourceId(), "stackId", target.stackId());
        }
        boolean answeredHere = invocation.responder().claim();
        invocation.finished().countDown();
        if (answeredHere) {
            CustomResourceResponse answer = response;
            invocation.responder().deliver(answer, invocation.answerDeadline(),
                    delivery -> report(invocation, answer, delivery, answer.succeeded() ? "SUCCESS" : "FAILED"));
            return;
        }
        invocation.responder().awaitDelivery(invocation.answerDeadline().remaining());
        LOG.warn("result arrived after the deadline timer had answered FAILED; result dropped",
                "requestType", field(event, "RequestType"), "logicalResourceId", target.logicalResourceId(),
                "stackId", target.stackId(), "lateStatus", response.status().name(),
                "durationMs", millisSince(invocation.started()));
        if (response.succeeded()) {
            abandon(invocation, request, resolved, response);
        }
    }

    /** CloudFormation was told FAILED and will never learn of what {@code unknown} names: let the provider undo it. */
    private static void abandon(Invocation invocation, CustomResourceRequest request, CustomResourceProvider resolved,
                                CustomResourceResponse unknown) {
        if (request == null || resolved == null || unknown.physicalResourceId() == null) {
            return;
        }
        try {
            resolved.abandoned(request, unknown);
        } catch (Throwable cleanupFailure) {
            LOG.error("clean-up after the abandoned result failed", cleanupFailure,
                    "logicalResourceId", invocation.target().logicalResourceId(), "stackId", invocation.target().stackId());
        }
    }

    /**
     * The provider for {@code request}; null when it could not start and the request is the Delete of a
     * failed Create's id ({@link FailedCreateMarker}): that id names nothing, so the Delete succeeds
     * without it. Failing it too would leave the stack {@code ROLLBACK_FAILED}, then {@code DELETE_FAILED},
     * until the function is repaired.
     */
    private CustomResourceProvider resolvedFor(CustomResourceRequest request) {
        try {
            return provider.get();
        } catch (ProviderUnavailableException unavailable) {
            if (request.requestType() == RequestType.Delete && FailedCreateMarker.isMarker(request.physicalResourceId())) {
                LOG.warn("provider could not start; the Delete of a failed Create's id needs none",
                        "logicalResourceId", request.target().logicalResourceId(), "stackId", request.target().stackId());
                return null;
            }
            throw unavailable;
        }
    }

    /** Queues the request for a later invocation instead of answering; answers FAILED if that fails. */
    private void handOn(Invocation invocation, ContinueLaterException later, CustomResourceRequest request,
                        CustomResourceProvider resolved) {
        JsonObject event = invocation.parsed().event();
        ResponseTarget target = invocation.target();
        if (!invocation.responder().claim()) {
            invocation.finished().countDown();
            return;
        }
        try {
            continuer.handOn(Json.write(invocation.chain().nextEvent(event)), invocation.context());
            invocation.responder().handedOn();
            invocation.finished().countDown();
            LOG.info("request handed on to a later invocation", "requestType", field(event, "RequestType"),
                    "logicalResourceId", target.logicalResourceId(), "stackId", target.stackId(),
                    "outcome", "HANDED_ON", "continuation", invocation.chain().attempt() + 1,
                    "reason", abbreviate(Redaction.scrub(later.getMessage())), "durationMs", millisSince(invocation.started()));
        } catch (RuntimeException failure) {
            invocation.finished().countDown();
            LOG.error("could not hand the request on to a later invocation", failure,
                    "logicalResourceId", target.logicalResourceId(), "stackId", target.stackId());
            CustomResourceResponse failed = CustomResourceResponse.failed(invocation.failureId(),
                    Redaction.scrub(later.getMessage()) + "; handing the request on to a later invocation failed ("
                            + failure.getClass().getSimpleName() + ")");
            invocation.responder().deliver(failed, invocation.answerDeadline(),
                    delivery -> report(invocation, failed, delivery, "FAILED"));
            // Answered first (the stack must not wait on a clean-up call), then what the request made is undone.
            abandon(invocation, request, resolved,
                    CustomResourceResponse.success(later.physicalResourceId(), Map.of(), false));
        }
    }

    /** Runs {@code work} on its own thread; false when it is still running at {@code deadline}. */
    private static boolean runUntil(Runnable work, Deadline deadline) {
        Thread worker = new Thread(work, "cfn-provider");
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(Math.max(1, deadline.remaining().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !worker.isAlive();
    }

    private void startDeadlineTimer(Invocation invocation) {
        long delayMillis = invocation.workDeadline().remaining().toMillis();
        Thread timer = new Thread(() -> {
            try {
                if (invocation.finished().await(delayMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            CustomResourceResponse timedOut = CustomResourceResponse.failed(invocation.failureId(),
                    "the provider did not finish in time: it answered FAILED shortly before the function timeout (or"
                            + " the resource's ServiceTimeout) to keep the stack from waiting; raise the function's"
                            + " Timeout or ServiceTimeout, or check that the AWS APIs it calls are reachable");
            if (invocation.responder().claim()) {
                invocation.responder().deliver(timedOut, invocation.answerDeadline(),
                        delivery -> report(invocation, timedOut, delivery, "TIMED_OUT"));
            }
        }, "cfn-deadline-timer");
        timer.setDaemon(true);
        timer.start();
    }

    /**
     * One request being answered. {@code workDeadline}: when the timer answers FAILED, early enough for
     * its PUT to land before the function ends or CloudFormation stops waiting (ServiceTimeout).
     * {@code answerDeadline}: the last moment for an answer's PUT, a little before the Lambda deadline
     * (so that the function can still return) and never after ServiceTimeout.
     */
    private record Invocation(ParsedEvent parsed, ResponseTarget target, Continuation chain, String failureId,
                              Responder responder, CountDownLatch finished, Context context, Deadline workDeadline,
                              Deadline answerDeadline, long started) {
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * The resource's {@code ServiceTimeout} (seconds, sent as a string among the properties): after it
     * CloudFormation fails the resource itself and ignores a later answer, so the timer must beat it.
     */
    private static Optional<Duration> serviceTimeout(JsonObject event) {
        try {
            Object value = event.object("ResourceProperties").map(p -> p.raw("ServiceTimeout")).orElse(null);
            long seconds = value == null ? 0 : Long.parseLong(String.valueOf(value).trim());
            // CloudFormation accepts 1-3600; anything else comes from a hand-made event and is ignored.
            return seconds > 0 && seconds <= DEFAULT_SERVICE_TIMEOUT.toSeconds()
                    ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (RuntimeException unusable) {
            return Optional.empty();
        }
    }

    private static String explain(Throwable failure, CustomResourceProvider provider, Context context) {
        if (failure instanceof RunnerFailureException own) {
            return own.reason();
        }
        Optional<String> known = Optional.empty();
        if (provider != null) {
            try {
                known = provider.explain(failure);
            } catch (RuntimeException ignored) {
                // fall back to the generic reason
            }
        }
        return Redaction.scrub(known.orElseGet(() -> "internal error (" + failure.getClass().getSimpleName()
                + "); see the function's log for Lambda request " + context.getAwsRequestId()));
    }

    /**
     * A failed Create must carry an id that names nothing (CloudFormation deletes it later); a failed
     * Update or Delete keeps the id CloudFormation sent.
     */
    private static String failurePhysicalId(JsonObject event, ResponseTarget target) {
        Optional<String> sent = CustomResourceRequest.physicalResourceId(event);
        if ("Create".equals(field(event, "RequestType")) || sent.isEmpty()) {
            return FailedCreateMarker.forRequest(target.requestId());
        }
        return sent.get();
    }

    /**
     * The event as JSON; when it does not parse, the answer fields are picked out of the raw text so
     * even a mangled request is answered rather than left to CloudFormation's one-hour timeout.
     */
    private static ParsedEvent readEvent(InputStream input) {
        String text;
        try {
            text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new ParsedEvent(Json.parseObject("{}"), true);
        }
        try {
            return new ParsedEvent(Json.parseObject(text), false);
        } catch (RuntimeException malformed) {
            Map<String, Object> salvaged = new LinkedHashMap<>();
            Matcher matcher = STRING_FIELD.matcher(text);
            while (matcher.find()) {
                salvaged.putIfAbsent(matcher.group(1), matcher.group(2));
            }
            return new ParsedEvent(Json.parseObject(Json.write(salvaged)), true);
        }
    }

    /** {@code malformed}: salvaged from text that is not JSON; only answered, never worked on. */
    private record ParsedEvent(JsonObject event, boolean malformed) {
    }

    /** The one line that says what CloudFormation really received: delivered (INFO) or not (ERROR). */
    private static void report(Invocation invocation, CustomResourceResponse response, Delivery delivery, String outcome) {
        JsonObject event = invocation.parsed().event();
        ResponseTarget target = invocation.target();
        if (delivery.delivered()) {
            LOG.info("custom resource request answered", "requestType", field(event, "RequestType"),
                    "logicalResourceId", target.logicalResourceId(), "stackId", target.stackId(),
                    "physicalResourceId", response.physicalResourceId(), "outcome", outcome,
                    "reason", abbreviate(response.reason()), "attempts", delivery.attempts(),
                    "durationMs", millisSince(invocation.started()));
            return;
        }
        LOG.error("custom resource answer undelivered", null, "requestType", field(event, "RequestType"),
                "logicalResourceId", target.logicalResourceId(), "stackId", target.stackId(),
                "physicalResourceId", response.physicalResourceId(), "outcome", "UNDELIVERED",
                "intendedOutcome", outcome, "attempts", delivery.attempts(), "lastAttempt", delivery.lastOutcome(),
                "durationMs", millisSince(invocation.started()));
    }

    private static String abbreviate(String reason) {
        return reason == null || reason.length() <= 1024 ? reason : reason.substring(0, 1024) + "...";
    }

    private static String field(JsonObject event, String key) {
        Object value = event.raw(key);
        return value instanceof String s ? s : null;
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
