package dev.stepconnect.rotation;

/** The four steps of Secrets Manager's rotation protocol, by their wire names. */
public enum RotationStep {
    CREATE_SECRET("createSecret"),
    SET_SECRET("setSecret"),
    TEST_SECRET("testSecret"),
    FINISH_SECRET("finishSecret");

    private final String wireName;

    RotationStep(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static RotationStep parse(String value) {
        for (RotationStep step : values()) {
            if (step.wireName.equals(value)) {
                return step;
            }
        }
        throw new InvalidRotationException("unknown rotation Step '" + value
                + "' (expected createSecret, setSecret, testSecret or finishSecret)");
    }
}
