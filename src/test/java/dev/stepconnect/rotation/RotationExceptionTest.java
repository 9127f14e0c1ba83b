package dev.stepconnect.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.rotation.RotationException.Disposition;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

class RotationExceptionTest {

    @Test
    void eachDispositionIsAnsweredWithItsOwnErrorType() {
        assertThat(RotationException.of(Disposition.CONFIGURATION, "m")).isInstanceOf(InvalidRotationException.class);
        assertThat(RotationException.of(Disposition.ROLLED_BACK, "m")).isInstanceOf(RotationFailedException.class);
        assertThat(RotationException.of(Disposition.TRANSIENT, "m")).isInstanceOf(RotationRetryableException.class);
        RotationException failure = RotationException.of(Disposition.ROLLED_BACK, "m").concerning(List.of("c1", "c2"))
                .withMessage("m2");
        assertThat(failure.disposition()).isEqualTo(Disposition.ROLLED_BACK);
        assertThat(failure.connections()).containsExactly("c1", "c2");
        assertThat(failure.getMessage()).isEqualTo("m2");
    }

    @Test
    void anAwsErrorIsTransientAndNamedByItsCodeOnly() {
        RuntimeException aws = SecretsManagerException.builder().statusCode(400).message("value 'k9' is invalid")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").errorMessage("value 'k9' is invalid").build())
                .build();
        RotationException failure = RotationException.from(aws);
        assertThat(failure.disposition()).isEqualTo(Disposition.TRANSIENT);
        assertThat(failure.getMessage()).contains("ValidationException").contains("400").doesNotContain("k9");
        assertThat(RotationException.from(failure)).isSameAs(failure);
    }
}
