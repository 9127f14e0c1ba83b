package dev.stepconnect.rotation;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What DescribeSecret tells about the secret being rotated, as plain values. {@code scheduledForDeletion}:
 * DeleteSecret ran (DescribeSecret still answers during the recovery window; the values can no longer be read).
 */
public record SecretSnapshot(String arn, String name, boolean rotationEnabled, Map<String, List<String>> stagesByVersion,
                             Map<String, String> tags, boolean scheduledForDeletion) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";

    public SecretSnapshot {
        stagesByVersion = Map.copyOf(stagesByVersion);
        tags = Map.copyOf(tags);
    }

    public SecretSnapshot(String arn, String name, boolean rotationEnabled, Map<String, List<String>> stagesByVersion,
                          Map<String, String> tags) {
        this(arn, name, rotationEnabled, stagesByVersion, tags, false);
    }

    public Optional<String> versionWith(String stage) {
        return stagesByVersion.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey)
                .findFirst();
    }

    public List<String> stagesOf(String versionId) {
        return stagesByVersion.getOrDefault(versionId, List.of());
    }
}
