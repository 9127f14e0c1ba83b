package dev.stepconnect.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerServiceClientConfiguration;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

/**
 * Plays Secrets Manager's part at the start of a rotation: rotation enabled, and a version with the
 * rotation's token labelled AWSPENDING that has no value yet.
 *
 * <p>RotateSecret is called the way AWS allows it: with a {@code RotationLambdaARN} (AWS and most emulators
 * refuse a secret without one). The function is a stand-in created once per endpoint in the emulator; it does
 * nothing, because the tests drive the real handler step by step themselves. What an emulator then does with
 * the version labels differs (moto "runs" the steps and labels the value-less version AWSCURRENT), so the
 * labels are put back with UpdateSecretVersionStage and the end state is checked to be exactly AWS's.
 */
public final class RotationStart {
    private static final String STAND_IN = "stepconnect-test-rotation-stand-in";
    private static final Map<URI, String> STAND_INS = new ConcurrentHashMap<>();
    private static final Duration VERSION_WAIT = Duration.ofSeconds(30);

    private RotationStart() {
    }

    /** Returns the rotation's ClientRequestToken. */
    public static String begin(SecretsManagerClient secrets, String secretArn) {
        String token = UUID.randomUUID().toString();
        String current = versionWith(secrets, secretArn, "AWSCURRENT");
        String function = standInFunction(secrets.serviceClientConfiguration());
        secrets.rotateSecret(r -> r.secretId(secretArn).clientRequestToken(token).rotationLambdaARN(function)
                .rotationRules(rules -> rules.automaticallyAfterDays(30L)));
        // AWS invokes the rotation function asynchronously: the token's version appears when it does.
        Eventually.await(VERSION_WAIT, () -> stagesOf(secrets, secretArn, token), stages -> !stages.isEmpty());
        if (stagesOf(secrets, secretArn, token).contains("AWSCURRENT")) {
            secrets.updateSecretVersionStage(r -> r.secretId(secretArn).versionStage("AWSCURRENT")
                    .moveToVersionId(current).removeFromVersionId(token));
        }
        if (!stagesOf(secrets, secretArn, token).contains("AWSPENDING")) {
            secrets.updateSecretVersionStage(r -> r.secretId(secretArn).versionStage("AWSPENDING").moveToVersionId(token));
        }
        if (stagesOf(secrets, secretArn, token).contains("AWSPREVIOUS")) {
            secrets.updateSecretVersionStage(r -> r.secretId(secretArn).versionStage("AWSPREVIOUS")
                    .removeFromVersionId(token));
        }
        if (!stagesOf(secrets, secretArn, token).equals(List.of("AWSPENDING"))
                || !stagesOf(secrets, secretArn, current).contains("AWSCURRENT")) {
            throw new IllegalStateException("could not reach the rotation start state on this endpoint");
        }
        return token;
    }

    public static List<String> stagesOf(SecretsManagerClient secrets, String secretArn, String versionId) {
        return secrets.listSecretVersionIds(r -> r.secretId(secretArn).includeDeprecated(true)).versions().stream()
                .filter(v -> v.versionId().equals(versionId))
                .findFirst()
                .map(SecretVersionsListEntry::versionStages)
                .orElse(List.of());
    }

    public static String versionWith(SecretsManagerClient secrets, String secretArn, String stage) {
        return secrets.listSecretVersionIds(r -> r.secretId(secretArn)).versions().stream()
                .filter(v -> v.versionStages().contains(stage))
                .map(SecretVersionsListEntry::versionId)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + stage + " version"));
    }

    /** The stand-in rotation function's ARN at the endpoint {@code config} points at, created on first use. */
    private static String standInFunction(SecretsManagerServiceClientConfiguration config) {
        URI endpoint = config.endpointOverride().orElseThrow(() -> new IllegalStateException(
                "RotationStart plays Secrets Manager against an emulator only (no endpoint override is set)"));
        return STAND_INS.computeIfAbsent(endpoint, uri -> {
            try (UrlConnectionHttpClient http = (UrlConnectionHttpClient) UrlConnectionHttpClient.create();
                 IamClient iam = IamClient.builder().endpointOverride(uri).region(config.region())
                         .credentialsProvider(config.credentialsProvider()).httpClient(http).build();
                 LambdaClient lambda = LambdaClient.builder().endpointOverride(uri).region(config.region())
                         .credentialsProvider(config.credentialsProvider()).httpClient(http).build()) {
                String role = role(iam);
                try {
                    return lambda.createFunction(r -> r.functionName(STAND_IN).runtime(Runtime.PYTHON3_12)
                            .handler("index.handler").role(role).code(c -> c.zipFile(SdkBytes.fromByteArray(handlerZip())))
                            .description("Stand-in rotation function for StepConnect's tests: does nothing")).functionArn();
                } catch (ResourceConflictException e) {
                    return lambda.getFunction(r -> r.functionName(STAND_IN)).configuration().functionArn();
                }
            }
        });
    }

    private static String role(IamClient iam) {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
        try {
            return iam.createRole(r -> r.roleName(STAND_IN).assumeRolePolicyDocument(trust)).role().arn();
        } catch (EntityAlreadyExistsException e) {
            return iam.getRole(r -> r.roleName(STAND_IN)).role().arn();
        }
    }

    private static byte[] handlerZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("index.py"));
            zip.write("def handler(event, context):\n    return None\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
