package dev.stepconnect.cfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.json.Json;
import dev.stepconnect.json.JsonObject;
import dev.stepconnect.log.Redaction;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ResponseBodyTest {
    private static final ResponseTarget TARGET = new ResponseTarget(URI.create("https://example.com/r"),
            "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1", "req-1", "Conn");

    @Test
    void echoesTheRequestAndCarriesData() {
        JsonObject body = Json.parseObject(ResponseBody.render(TARGET,
                CustomResourceResponse.success("orders", Map.of("Arn", "arn:x", "Name", "orders"), false)));

        assertThat(body.string("Status")).contains("SUCCESS");
        assertThat(body.string("PhysicalResourceId")).contains("orders");
        assertThat(body.string("StackId")).contains(TARGET.stackId());
        assertThat(body.string("RequestId")).contains("req-1");
        assertThat(body.string("LogicalResourceId")).contains("Conn");
        assertThat(body.raw("NoEcho")).isEqualTo(false);
        assertThat(body.requiredObject("Data").asMap()).containsEntry("Arn", "arn:x").containsEntry("Name", "orders");
        assertThat(body.has("Reason")).isFalse();
    }

    @Test
    void cutsAnOversizedReasonOnACodePointBoundary() {
        String reason = "é😀\"\\\n".repeat(2000);
        String rendered = ResponseBody.render(TARGET, CustomResourceResponse.failed("orders", reason));

        assertThat(rendered.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ResponseBody.MAX_BYTES);
        JsonObject body = Json.parseObject(rendered);
        String cut = body.string("Reason").orElseThrow();
        assertThat(cut).endsWith(ResponseBody.TRUNCATED);
        String kept = cut.substring(0, cut.length() - ResponseBody.TRUNCATED.length());
        assertThat(reason).startsWith(kept);
        assertThat(kept.length()).isGreaterThan(1000);
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stillRendersWhenTheEchoedIdsAloneExceedTheLimit() {
        ResponseTarget forged = new ResponseTarget(URI.create("https://example.com/r"), TARGET.stackId(), "req-1",
                "L".repeat(ResponseBody.MAX_BYTES));

        JsonObject body = Json.parseObject(ResponseBody.render(forged, CustomResourceResponse.failed("orders", "boom")));

        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason")).hasValue(ResponseBody.TRUNCATED);
        assertThat(body.string("LogicalResourceId")).contains(forged.logicalResourceId());
    }

    @Test
    void neverCutsDataButFailsWithAReasonThatSaysWhy() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("Big", "x".repeat(5000));
        String rendered = ResponseBody.render(TARGET, CustomResourceResponse.success("orders", data, false));

        JsonObject body = Json.parseObject(rendered);
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("Reason").orElseThrow()).contains("Data").contains("4096").contains("Big");
        assertThat(body.string("PhysicalResourceId")).contains("orders");
        assertThat(body.has("Data")).isFalse();
    }

    @Test
    void replacesAnUnusablePhysicalIdWithAMarkerThatNamesNothing() {
        String rendered = ResponseBody.render(TARGET, CustomResourceResponse.success("x".repeat(2000), Map.of(), false));

        JsonObject body = Json.parseObject(rendered);
        assertThat(body.string("Status")).contains("FAILED");
        assertThat(body.string("PhysicalResourceId")).contains(FailedCreateMarker.forRequest("req-1"));
    }

    @Test
    void masksRegisteredSecretsAndPresignedUrlsInTheReason() {
        Redaction.register("hunter2-response-body");
        String rendered = ResponseBody.render(TARGET, CustomResourceResponse.failed("orders",
                "value hunter2-response-body rejected by https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abcdef123"));

        assertThat(rendered).doesNotContain("hunter2-response-body").doesNotContain("abcdef123");
    }
}
