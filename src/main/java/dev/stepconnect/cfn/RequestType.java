package dev.stepconnect.cfn;

/** The three lifecycle requests CloudFormation sends to a custom resource provider. */
public enum RequestType {
    Create,
    Update,
    Delete;

    public static RequestType parse(String value) {
        for (RequestType type : values()) {
            if (type.name().equals(value)) {
                return type;
            }
        }
        throw new InvalidRequestException("RequestType must be Create, Update or Delete, got '"
                + (value == null ? "" : value.length() > 32 ? value.substring(0, 32) + "..." : value) + "'");
    }
}
