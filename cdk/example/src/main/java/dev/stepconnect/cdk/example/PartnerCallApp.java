package dev.stepconnect.cdk.example;

import dev.stepconnect.cdk.HttpMethod;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.constructs.Node;

/**
 * The example app: {@code cdk/synth.sh} runs this {@code main}, which synthesizes into
 * {@code cdk/cdk.out/} without an AWS account or the CDK CLI. Context values (`-c key=value` with the CLI,
 * or {@code cdk.json}) override template.yaml's defaults: {@code stepConnectStackName},
 * {@code partnerApiRoot}, {@code partnerApiPath}, {@code partnerApiMethod}, {@code rotationSchedule},
 * {@code logLevel} (ALL, ERROR, FATAL, OFF).
 */
public final class PartnerCallApp {
    private PartnerCallApp() {
    }

    public static void main(String[] args) {
        App app = new App(AppProps.builder()
                .outdir(System.getenv().getOrDefault("CDK_OUTDIR", "cdk.out"))
                .build());
        PartnerCallStack.Settings defaults = PartnerCallStack.Settings.defaults();
        Node node = app.getNode();
        PartnerCallStack.Settings settings = new PartnerCallStack.Settings(
                context(node, "stepConnectStackName", defaults.stepConnectStackName()),
                context(node, "partnerApiRoot", defaults.apiRoot()),
                context(node, "partnerApiPath", defaults.apiPath()),
                HttpMethod.valueOf(context(node, "partnerApiMethod", defaults.method().name())),
                context(node, "rotationSchedule", defaults.rotationSchedule()),
                LogLevel.valueOf(context(node, "logLevel", defaults.logLevel().name())));
        new PartnerCallStack(app, "stepconnect-example", StackProps.builder()
                .description("StepConnect example integration, defined with the StepConnect CDK constructs.")
                .build(), settings);
        app.synth();
    }

    private static String context(Node node, String key, String fallback) {
        Object value = node.tryGetContext(key);
        return value == null ? fallback : value.toString();
    }
}
