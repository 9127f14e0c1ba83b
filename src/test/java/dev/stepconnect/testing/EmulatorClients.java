package dev.stepconnect.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Secrets Manager and EventBridge clients on the emulator, and the output of one test captured from the
 * moment the test instance is made. Register as an instance field with {@code @RegisterExtension} in a
 * class extended with {@link AwsEmulator}; everything is closed after the test's own {@code @AfterEach}
 * methods, which may still read (and close) the output first.
 */
public final class EmulatorClients implements AfterEachCallback {
    private final SecretsManagerClient secrets = AwsEmulator.clients().secretsManager();
    private final EventBridgeClient events = AwsEmulator.clients().eventBridge();
    private final CapturedOutput output = CapturedOutput.start();

    public SecretsManagerClient secrets() {
        return secrets;
    }

    public EventBridgeClient events() {
        return events;
    }

    public CapturedOutput output() {
        return output;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        output.close();
        secrets.close();
        events.close();
    }
}
