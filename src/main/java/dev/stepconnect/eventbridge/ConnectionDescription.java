package dev.stepconnect.eventbridge;

import java.util.Optional;
import java.util.Set;

/**
 * What DescribeConnection tells about a connection, as plain values (no write-only fields exist here).
 * {@code kmsKeyIdentifier} is null for connections encrypted with an AWS owned key; {@code description}
 * is "" when the connection has none. The HTTP parameters are those DescribeConnection returns: values
 * marked {@code IsValueSecret} come back without their value (see {@link HttpParameters#resendable()}).
 */
public record ConnectionDescription(String name, String arn, String state, String stateReason,
                                    String authorizationType, String secretArn, String kmsKeyIdentifier,
                                    String description, HttpParameters invocationParameters,
                                    HttpParameters oauthHttpParameters) {
    private static final Set<String> READY = Set.of("AUTHORIZED", "ACTIVE");
    private static final Set<String> CHANGING = Set.of("CREATING", "UPDATING", "DELETING", "AUTHORIZING", "DEAUTHORIZING");

    public ConnectionDescription {
        description = description == null ? "" : description;
        invocationParameters = invocationParameters == null ? HttpParameters.NONE : invocationParameters;
        oauthHttpParameters = oauthHttpParameters == null ? HttpParameters.NONE : oauthHttpParameters;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** AUTHORIZED (public endpoints) or ACTIVE (private APIs): usable by HTTP Tasks. */
    public boolean isReady() {
        return READY.contains(state);
    }

    /** Mid-change: wait and look again. */
    public boolean isChanging() {
        return CHANGING.contains(state);
    }

    /** StepConnect's marker at the end of the Description, if any. */
    public Optional<ConnectionMarker> marker() {
        return ConnectionMarker.find(description);
    }

    public static final class Builder {
        private final String name;
        private String arn;
        private String state;
        private String stateReason;
        private String authorizationType;
        private String secretArn;
        private String kmsKeyIdentifier;
        private String description;
        private HttpParameters invocationParameters;
        private HttpParameters oauthHttpParameters;

        private Builder(String name) {
            this.name = name;
        }

        public Builder arn(String value) { arn = value; return this; }
        public Builder state(String value) { state = value; return this; }
        public Builder stateReason(String value) { stateReason = value; return this; }
        public Builder authorizationType(String value) { authorizationType = value; return this; }
        public Builder secretArn(String value) { secretArn = value; return this; }
        public Builder kmsKeyIdentifier(String value) { kmsKeyIdentifier = value; return this; }
        public Builder description(String value) { description = value; return this; }
        public Builder invocationParameters(HttpParameters value) { invocationParameters = value; return this; }
        public Builder oauthHttpParameters(HttpParameters value) { oauthHttpParameters = value; return this; }

        public ConnectionDescription build() {
            return new ConnectionDescription(name, arn, state, stateReason, authorizationType, secretArn,
                    kmsKeyIdentifier, description, invocationParameters, oauthHttpParameters);
        }
    }
}
