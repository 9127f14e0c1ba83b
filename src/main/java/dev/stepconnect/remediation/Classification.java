package dev.stepconnect.remediation;

/** The class of a failure and the error name that decided it (the nested child error for a .sync task). */
public record Classification(ErrorClass errorClass, String decidingError) {
}
