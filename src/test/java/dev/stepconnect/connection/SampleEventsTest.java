package dev.stepconnect.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepconnect.cfn.CustomResourceRequest;
import dev.stepconnect.cfn.RequestType;
import dev.stepconnect.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The samples in events/ (for {@code sam local invoke -e}) are requests this provider accepts. */
class SampleEventsTest {

    @ParameterizedTest
    @CsvSource({"connection-create.json, Create", "connection-update.json, Update", "connection-delete.json, Delete"})
    void sampleIsAValidRequest(String file, RequestType type) throws IOException {
        CustomResourceRequest request = CustomResourceRequest.parse(Json.parseObject(Files.readString(Path.of("events", file))));

        assertThat(request.requestType()).isEqualTo(type);
        assertThat(request.target().responseUrl().getScheme()).isEqualTo("https");
        ConnectionProperties properties = ConnectionProperties.parse(request.properties());
        assertThat(properties.name()).isEqualTo("orders-partner");
        assertThat(properties.invocationParameters().headers()).hasSize(1);
    }
}
