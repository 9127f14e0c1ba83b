package dev.stepconnect.cfn;

import dev.stepconnect.testing.ResponseReceiver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.lambda.Deadline;
import dev.stepconnect.testing.CapturedOutput;
import dev.stepconnect.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The protocol guarantees, with plain in-memory providers (no AWS involved). */
class CustomResourceRunnerTest {
    private final ResponseReceiver receiver = new ResponseReceiver();
    private final ResponseUrlSender sender = new ResponseUrlSender(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(2));
    private CapturedOutput output;

    @BeforeEach
    void capture() {
        output = CapturedOutput.start();
    }

    @AfterEach
    void noUrlInLogs() {
        output.close();
        assertThat(output.text()).doesNotContain(receiver.signature()).doesNotContain("/cloudformation-custom-resource-response");
        receiver.close();
    }

    @Test
    void answersSuccessOnceWithAnEmptyContentType() {
        run(provider((request, deadline) -> CustomResourceResponse.success("res-1", Map.of("A", "1"), true)),
                event("Create", null), Duration.ofSeconds(30));

        ResponseReceiver.Received only = single();
        assertThat(only.method()).isEqualTo("PUT");
        assertThat(only.contentType()).isNullOrEmpty();
        assertThat(only.query()).contains("X-Amz-Signature=");
        JsonObject body = only.json();
        assertThat(body.string("Status")).contains("SUCCESS");
        assertThat(body.raw("NoEcho")).isEqualTo(true);
        assertThat(body.requiredObject("Data").asMap()).containsEntry("A", "1");
    }

    @Test
    void answersFailedWhenTheProviderThrowsAnError() {
        run(provider((request, deadline) -> {
            throw new StackOverflowError();
        }), event("Create", null), Duration.ofSeconds(30));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("internal error (StackOverflowError)");
        assertThat(body.string("PhysicalResourceId").orElseThrow()).startsWith(FailedCreateMarker.PREFIX);
    }

    @Test
    void aFailedUpdateKeepsThePhysicalIdItWasGiven() {
        run(provider((request, deadline) -> {
            throw new IllegalStateException("boom");
        }), event("Update", "res-7"), Duration.ofSeconds(30));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("PhysicalResourceId")).contains("res-7");
    }

    @Test
    void answersFailedWhenTheProviderCouldNotBeBuilt() {
        CustomResourceRunner runner = new CustomResourceRunner(() -> {
            throw new ProviderUnavailableException("STEPCONNECT_WAIT_SECONDS must be a whole number");
        }, sender, Duration.ofSeconds(1), Clock.systemUTC());
        runner.run(input(event("Delete", "res-1")), new TestContext(Duration.ofSeconds(30)));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("could not start").contains("STEPCONNECT_WAIT_SECONDS");
    }

    @Test
    void theTimerAnswersBeforeTheDeadlineAndTheLateResultIsDroppedAndUndone() {
        List<String> abandoned = new CopyOnWriteArrayList<>();
        CustomResourceProvider slow = succeedsLate(Duration.ofMillis(1300), abandoned);
        new CustomResourceRunner(() -> slow, sender, Duration.ofMillis(1000), Clock.systemUTC())
                .run(input(event("Create", null)), new TestContext(Duration.ofSeconds(2)));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("did not finish in time");
        assertThat(body.string("PhysicalResourceId").orElseThrow()).startsWith(FailedCreateMarker.PREFIX);
        assertThat(abandoned).containsExactly("created-late");
    }

    @Test
    void theTimerAlsoBeatsAShorterServiceTimeout() {
        List<String> abandoned = new CopyOnWriteArrayList<>();
        CustomResourceProvider slow = succeedsLate(Duration.ofMillis(2500), abandoned);
        Map<String, Object> event = new LinkedHashMap<>(Json.parseObject(event("Create", null)).asMap());
        event.put("ResourceProperties", Map.of("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:f",
                "ServiceTimeout", "2"));

        // CloudFormation stops waiting after ServiceTimeout, long before this function's own timeout.
        run(slow, Json.write(event), Duration.ofSeconds(60));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("did not finish in time");
        assertThat(abandoned).containsExactly("created-late");
    }

    @Test
    void aServiceTimeoutOrContinuationOutOfEveryRangeIsStillAnswered() {
        // CloudFormation allows 1-3600 s; a hand-made event may carry anything, and must still be answered.
        for (String serviceTimeout : List.of("99999999999999999", "-5", "0", "abc", "3601")) {
            Map<String, Object> event = new LinkedHashMap<>(Json.parseObject(event("Create", null)).asMap());
            event.put("ResourceProperties", Map.of("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "ServiceTimeout", serviceTimeout));
            event.put("RequestId", "req-" + serviceTimeout);
            event.put(Continuation.FIELD, Map.of("attempt", 99999999999L, "startedAt", "-999999999-01-01T00:00:00Z"));

            run(provider((request, deadline) -> CustomResourceResponse.success("made", Map.of(), false)),
                    Json.write(event), Duration.ofSeconds(30));

            assertThat(receiver.all()).as(serviceTimeout).filteredOn(r -> r.json().string("RequestId")
                    .equals(Optional.of("req-" + serviceTimeout))).hasSize(1);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void returnsBeforeTheLambdaDeadlineWhileTheProviderIsStuck() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        CustomResourceProvider stuck = provider((request, deadline) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CustomResourceResponse.success("never-reported", Map.of(), false);
        });

        // Were the function still inside the provider at its deadline, Lambda would kill it and retry the
        // request: a second answer to a request the timer has already answered.
        run(stuck, event("Create", null), Duration.ofSeconds(2));

        assertThat(entered.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(release.getCount()).isEqualTo(1);
        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("did not finish in time");
        release.countDown();
    }

    @Test
    void retriesThePutUntilItIsAccepted() {
        receiver.failNext(2, 503);
        run(provider((request, deadline) -> CustomResourceResponse.success("res-1", Map.of(), false)),
                event("Create", null), Duration.ofSeconds(30));

        assertThat(receiver.all()).hasSize(3);
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(receiver.all()).extracting(ResponseReceiver.Received::body).containsOnly(receiver.accepted().get(0).body());
    }

    @Test
    void doesNotRetryAPutTheUrlRejectsForGood() {
        receiver.failNext(5, 403);
        assertThatThrownBy(() -> run(provider((request, deadline) -> CustomResourceResponse.success("res-1", Map.of(), false)),
                event("Create", null), Duration.ofSeconds(30))).isInstanceOf(UndeliveredResponseException.class);

        assertThat(receiver.all()).hasSize(1);
    }

    @Test
    void keepsRetryingThePutPastSixFailuresAndReportsWhatWasDelivered() {
        receiver.failNext(6, 503);
        run(provider((request, deadline) -> CustomResourceResponse.success("res-1", Map.of(), false)),
                event("Create", null), Duration.ofSeconds(30));

        assertThat(receiver.all()).hasSize(7);
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(output.logLines("custom resource request answered")).singleElement().satisfies(line -> {
            assertThat(line.string("outcome")).contains("SUCCESS");
            assertThat(line.number("attempts")).contains(7L);
        });
        assertThat(output.logLines("custom resource answer undelivered")).isEmpty();
    }

    @Test
    void anAnswerThatCannotBeDeliveredFailsTheInvocationAndSaysSo() {
        receiver.failNext(10_000, 503);
        assertThatThrownBy(() -> run(provider((request, deadline) -> CustomResourceResponse.success("res-1", Map.of(), false)),
                event("Create", null), Duration.ofSeconds(4)))
                .isInstanceOf(UndeliveredResponseException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageNotContaining(receiver.signature());

        // Retried for as long as the deadline allowed, not a fixed handful of times.
        assertThat(receiver.all().size()).isGreaterThan(6);
        assertThat(receiver.accepted()).isEmpty();
        assertThat(output.logLines("custom resource request answered")).isEmpty();
        assertThat(output.logLines("custom resource answer undelivered")).singleElement().satisfies(line -> {
            assertThat(line.string("level")).contains("ERROR");
            assertThat(line.string("intendedOutcome")).contains("SUCCESS");
            assertThat(line.string("lastAttempt")).contains("HTTP 503");
        });
    }

    @Test
    void theTimerAnswerThatCannotBeDeliveredFailsTheInvocationToo() {
        receiver.failNext(10_000, 500);
        CustomResourceProvider stuck = succeedsLate(Duration.ofSeconds(5), new CopyOnWriteArrayList<>());
        assertThatThrownBy(() -> run(stuck, event("Create", null), Duration.ofSeconds(3)))
                .isInstanceOf(UndeliveredResponseException.class);

        assertThat(output.logLines("custom resource answer undelivered")).singleElement()
                .satisfies(line -> assertThat(line.string("intendedOutcome")).contains("TIMED_OUT"));
    }

    @Test
    void aRequestStillInProgressIsHandedOnWithoutAnAnswer() {
        List<String> queued = new CopyOnWriteArrayList<>();
        List<Continuation> seen = new CopyOnWriteArrayList<>();
        CustomResourceProvider waiting = provider((request, deadline) -> {
            seen.add(request.continuation());
            throw new ContinueLaterException("connection c still AUTHORIZING", "c");
        });

        new CustomResourceRunner(() -> waiting, sender, Duration.ofSeconds(1), Clock.systemUTC(),
                (event, context) -> queued.add(event)).run(input(event("Create", null)), new TestContext(Duration.ofSeconds(30)));

        assertThat(receiver.all()).isEmpty();
        assertThat(seen).singleElement().satisfies(c -> {
            assertThat(c.attempt()).isZero();
            assertThat(c.handOnAllowed()).isTrue();
        });
        JsonObject next = Json.parseObject(queued.get(0));
        assertThat(next.requiredObject(Continuation.FIELD).number("attempt")).contains(1L);
        assertThat(next.string("RequestId")).contains("req-1");
        assertThat(next.string("ResponseURL")).isPresent();

        // The next link carries the chain's start; the last allowed link may no longer hand on.
        Map<String, Object> last = new LinkedHashMap<>(next.asMap());
        last.put(Continuation.FIELD, Map.of("attempt", CustomResourceRunner.MAX_HAND_ONS,
                "startedAt", next.requiredObject(Continuation.FIELD).string("startedAt").orElseThrow()));
        new CustomResourceRunner(() -> waiting, sender, Duration.ofSeconds(1), Clock.systemUTC(),
                (event, context) -> queued.add(event)).run(input(Json.write(last)), new TestContext(Duration.ofSeconds(30)));

        assertThat(queued).hasSize(1);
        assertThat(seen.get(1).handOnAllowed()).isFalse();
        assertThat(single().json().string("Reason").orElseThrow()).contains("still AUTHORIZING");
    }

    @Test
    void noHandOnWhenServiceTimeoutLeavesNoRoomForAnotherInvocation() {
        List<Continuation> seen = new CopyOnWriteArrayList<>();
        Map<String, Object> event = new LinkedHashMap<>(Json.parseObject(event("Create", null)).asMap());
        event.put("ResourceProperties", Map.of("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:f",
                "ServiceTimeout", "40"));

        new CustomResourceRunner(() -> provider((request, deadline) -> {
            seen.add(request.continuation());
            return CustomResourceResponse.success("res-1", Map.of(), false);
        }), sender, Duration.ofSeconds(1), Clock.systemUTC(), (e, context) -> { })
                .run(input(Json.write(event)), new TestContext(Duration.ofSeconds(30)));

        assertThat(seen).singleElement().satisfies(c -> assertThat(c.handOnAllowed()).isFalse());
    }

    @Test
    void aHandOnThatFailsIsAnsweredFailedAtOnce() {
        CustomResourceProvider waiting = provider((request, deadline) -> {
            throw new ContinueLaterException("connection c still AUTHORIZING", "c");
        });

        new CustomResourceRunner(() -> waiting, sender, Duration.ofSeconds(1), Clock.systemUTC(), (event, context) -> {
            throw new IllegalStateException("AccessDeniedException");
        }).run(input(event("Create", null)), new TestContext(Duration.ofSeconds(30)));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("still AUTHORIZING")
                .contains("handing the request on to a later invocation failed");
    }

    @Test
    void salvagesTheAnswerFieldsOfAMalformedEvent() {
        String truncated = event("Create", null);
        truncated = truncated.substring(0, truncated.length() - 20);
        run(provider((request, deadline) -> CustomResourceResponse.success("should-not-run", Map.of(), false)),
                truncated, Duration.ofSeconds(30));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("not valid JSON");
        assertThat(body.string("RequestId")).contains("req-1");
    }

    @Test
    void answersAnUnknownRequestType() {
        run(provider((request, deadline) -> CustomResourceResponse.success("should-not-run", Map.of(), false)),
                event("Upsert", null), Duration.ofSeconds(30));

        JsonObject body = single().json();
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("RequestType must be Create, Update or Delete");
    }

    @Test
    void staysSilentWithoutAResponseUrl() {
        Map<String, Object> event = Json.parseObject(event("Create", null)).asMap();
        Map<String, Object> withoutUrl = new LinkedHashMap<>(event);
        withoutUrl.remove("ResponseURL");
        run(provider((request, deadline) -> CustomResourceResponse.success("x", Map.of(), false)),
                Json.write(withoutUrl), Duration.ofSeconds(30));

        assertThat(receiver.all()).isEmpty();
        assertThat(output.text()).contains("nobody to answer");
    }

    private ResponseReceiver.Received single() {
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(receiver.all()).hasSize(1);
        return receiver.accepted().get(0);
    }

    private void run(CustomResourceProvider provider, String event, Duration timeLeft) {
        new CustomResourceRunner(() -> provider, sender, Duration.ofSeconds(1), Clock.systemUTC())
                .run(input(event), new TestContext(timeLeft));
    }

    private String event(String type, String physicalId) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", type);
        event.put("ResponseURL", receiver.responseUrl().toString());
        event.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1");
        event.put("RequestId", "req-1");
        event.put("LogicalResourceId", "Thing");
        event.put("ResourceType", "Custom::Thing");
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceProperties", Map.of("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:f"));
        return Json.write(event);
    }

    private static ByteArrayInputStream input(String event) {
        return new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8));
    }

    private static CustomResourceProvider provider(BiFunction<CustomResourceRequest, Deadline, CustomResourceResponse> body) {
        return new CustomResourceProvider() {
            @Override
            public CustomResourceResponse handle(CustomResourceRequest request, Deadline deadline) {
                return body.apply(request, deadline);
            }

            @Override
            public Optional<String> explain(Throwable failure) {
                return Optional.empty();
            }
        };
    }

    /** Succeeds with "created-late" after {@code delay}, recording each late result it is asked to undo. */
    private static CustomResourceProvider succeedsLate(Duration delay, List<String> abandoned) {
        return new CustomResourceProvider() {
            @Override
            public CustomResourceResponse handle(CustomResourceRequest request, Deadline deadline) {
                sleep(delay);
                return CustomResourceResponse.success("created-late", Map.of(), false);
            }

            @Override
            public Optional<String> explain(Throwable failure) {
                return Optional.empty();
            }

            @Override
            public void abandoned(CustomResourceRequest request, CustomResourceResponse lateResponse) {
                abandoned.add(lateResponse.physicalResourceId());
            }
        };
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
