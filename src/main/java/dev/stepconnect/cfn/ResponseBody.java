package dev.stepconnect.cfn;

import dev.stepconnect.json.Json;
import dev.stepconnect.log.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the JSON answer CloudFormation expects, never longer than {@link #MAX_BYTES}: above that
 * the stack fails with "Response object is too long" and the real reason is lost. A long Reason is
 * cut (with a visible marker); Data is never cut, because a half-present attribute breaks
 * {@code Fn::GetAtt} silently — the answer becomes FAILED with a reason saying so instead.
 */
public final class ResponseBody {
    public static final int MAX_BYTES = 4096;
    public static final int MAX_PHYSICAL_ID_BYTES = 1024;
    static final String TRUNCATED = " [truncated]";

    private ResponseBody() {
    }

    public static String render(ResponseTarget target, CustomResourceResponse response) {
        CustomResourceResponse checked = scrubbed(withUsablePhysicalId(target, response));
        String body = json(target, checked, checked.reason());
        if (bytes(body) <= MAX_BYTES) {
            return body;
        }
        if (!checked.data().isEmpty()) {
            CustomResourceResponse failed = CustomResourceResponse.failed(checked.physicalResourceId(),
                    "the resource's attributes (Data) would make the response longer than " + MAX_BYTES
                            + " bytes, so CloudFormation would reject it; attributes: " + checked.data().keySet());
            return render(target, failed);
        }
        return json(target, checked, truncateReason(target, checked));
    }

    /** A Reason is as public as a log line: mask registered secret values and pre-signed URLs. */
    private static CustomResourceResponse scrubbed(CustomResourceResponse response) {
        if (response.reason() == null) {
            return response;
        }
        return new CustomResourceResponse(response.status(), response.physicalResourceId(),
                Redaction.scrub(response.reason()), response.data(), response.noEcho());
    }

    private static CustomResourceResponse withUsablePhysicalId(ResponseTarget target, CustomResourceResponse response) {
        String id = response.physicalResourceId();
        if (id != null && !id.isBlank() && bytes(id) <= MAX_PHYSICAL_ID_BYTES) {
            return response;
        }
        // A blank or oversized id would be rejected; answer FAILED under an id that names nothing.
        return CustomResourceResponse.failed(FailedCreateMarker.forRequest(target.requestId()),
                "the provider produced an empty or oversized PhysicalResourceId");
    }

    /**
     * The longest prefix of the reason (whole code points) that fits, followed by the truncation marker.
     * When the echoed ids alone exceed the limit (only a forged request has such ids) no Reason can fit:
     * the bare marker is sent rather than looping, and CloudFormation would reject nothing real.
     */
    private static String truncateReason(ResponseTarget target, CustomResourceResponse response) {
        String reason = response.reason() == null ? "" : response.reason();
        int budget = MAX_BYTES - bytes(json(target, response, "")) - bytes(TRUNCATED);
        while (true) {
            String kept = prefixWithin(reason, budget);
            String cut = kept + TRUNCATED;
            int excess = bytes(json(target, response, cut)) - MAX_BYTES;
            if (excess <= 0 || kept.isEmpty()) {
                return cut;
            }
            budget -= excess;
        }
    }

    private static String prefixWithin(String reason, int budget) {
        int end = 0;
        int used = 0;
        while (end < reason.length()) {
            int codePoint = reason.codePointAt(end);
            int cost = escapedLength(codePoint);
            if (used + cost > budget) {
                break;
            }
            used += cost;
            end += Character.charCount(codePoint);
        }
        return reason.substring(0, end);
    }

    /** Bytes a code point takes inside a JSON string. */
    private static int escapedLength(int codePoint) {
        if (codePoint == '"' || codePoint == '\\' || codePoint == '\n' || codePoint == '\r' || codePoint == '\t'
                || codePoint == '\b' || codePoint == '\f') {
            return 2;
        }
        if (codePoint < 0x20) {
            return 6;
        }
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    private static String json(ResponseTarget target, CustomResourceResponse response, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Status", response.status().name());
        if (reason != null || !response.succeeded()) {
            body.put("Reason", reason == null || reason.isBlank() ? "unknown error" : reason);
        }
        body.put("PhysicalResourceId", response.physicalResourceId());
        body.put("StackId", nullToEmpty(target.stackId()));
        body.put("RequestId", nullToEmpty(target.requestId()));
        body.put("LogicalResourceId", nullToEmpty(target.logicalResourceId()));
        body.put("NoEcho", response.noEcho());
        if (!response.data().isEmpty()) {
            body.put("Data", response.data());
        }
        return Json.write(body);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
