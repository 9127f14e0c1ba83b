package dev.stepconnect.remediation;

import dev.stepconnect.log.Log;
import dev.stepconnect.metrics.DimensionValues;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Ensures {@code stepconnect-<state machine>-failures} exists. PutMetricAlarm is an upsert that is
 * throttled at a few TPS, so it is called at most once per state machine per container; a failed call
 * is logged and tried again after a cool-down, never failing the event it came with.
 */
public class AlarmManager {
    static final int MAX_ALARM_NAME = 255;
    private static final String PREFIX = "stepconnect-";
    private static final String SUFFIX = "-failures";
    private static final int MAX_REMEMBERED = 1024;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);
    private static final Log LOG = Log.named("remediation.alarms");

    private final CloudWatchClient cloudWatch;
    private final String namespace;
    private final String topicArn;
    private final Clock clock;
    /** State machine name -> 0 once the alarm is in place, else the time of the failed attempt. */
    private final Map<String, Long> attempts = new LruMap<>(MAX_REMEMBERED);

    public AlarmManager(CloudWatchClient cloudWatch, String namespace, String topicArn, Clock clock) {
        this.cloudWatch = cloudWatch;
        this.namespace = namespace;
        this.topicArn = topicArn;
        this.clock = clock;
    }

    /**
     * {@code stepconnect-<value>-failures}, ≤ 255 characters, where value is the state machine's name mapped by
     * {@link DimensionValues} (cut to fit, with its hash, when the name is very long): the suffix stays, the
     * function's IAM policy allows {@code cloudwatch:PutMetricAlarm} on {@code stepconnect-*-failures} only.
     */
    public static String alarmName(String stateMachineName) {
        int room = MAX_ALARM_NAME - PREFIX.length() - SUFFIX.length();
        return PREFIX + DimensionValues.of(stateMachineName, room) + SUFFIX;
    }

    public synchronized void ensure(String stateMachineName) {
        Long previous = attempts.get(stateMachineName);
        long now = clock.millis();
        if (previous != null && (previous == 0L || now - previous < RETRY_AFTER_FAILURE.toMillis())) {
            return;
        }
        String alarmName = alarmName(stateMachineName);
        try {
            cloudWatch.putMetricAlarm(r -> {
                r.alarmName(alarmName)
                        .alarmDescription("Step Functions state machine " + stateMachineName
                                + " has failed executions (StepConnect).")
                        .namespace(namespace)
                        .metricName(RemediationMetrics.FAILURES)
                        .dimensions(Dimension.builder().name(RemediationMetrics.STATE_MACHINE)
                                .value(DimensionValues.of(stateMachineName)).build())
                        .statistic(Statistic.SUM)
                        .period(300)
                        .evaluationPeriods(1)
                        .threshold(1.0)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                        .treatMissingData("notBreaching");
                if (topicArn != null) {
                    r.alarmActions(topicArn);
                }
            });
            attempts.put(stateMachineName, 0L);
            LOG.info("failure alarm in place", "alarmName", alarmName);
        } catch (SdkException e) {
            attempts.put(stateMachineName, Math.max(1L, now));
            LOG.error("could not create the failure alarm; will try again later", e, "alarmName", alarmName);
        }
    }
}
