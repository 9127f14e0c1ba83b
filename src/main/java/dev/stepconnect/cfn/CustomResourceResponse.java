package dev.stepconnect.cfn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a provider decided. {@code data} feeds {@code Fn::GetAtt}; {@code noEcho} masks it in
 * CloudFormation's console and API output. {@link #toString()} leaves the data out.
 */
public record CustomResourceResponse(Status status, String physicalResourceId, String reason,
                                     Map<String, String> data, boolean noEcho) {
    public enum Status { SUCCESS, FAILED }

    public CustomResourceResponse {
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static CustomResourceResponse success(String physicalResourceId, Map<String, String> data, boolean noEcho) {
        return new CustomResourceResponse(Status.SUCCESS, physicalResourceId, null, data, noEcho);
    }

    public static CustomResourceResponse failed(String physicalResourceId, String reason) {
        return new CustomResourceResponse(Status.FAILED, physicalResourceId, reason, Map.of(), false);
    }

    public boolean succeeded() {
        return status == Status.SUCCESS;
    }

    @Override
    public String toString() {
        return "CustomResourceResponse[status=" + status + ", physicalResourceId=" + physicalResourceId + ", reason="
                + reason + ", dataKeys=" + data.keySet() + ", noEcho=" + noEcho + "]";
    }
}
