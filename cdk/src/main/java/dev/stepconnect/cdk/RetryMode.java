package dev.stepconnect.cdk;

import java.util.Locale;

/** Value of the {@code stepconnect:retry-mode} tag RemediationFunction reads (interface.md). */
public enum RetryMode {
    /** Redrive when a redrive re-runs the failed work, else start a new execution with the original input (default). */
    AUTO,
    /** Always redrive (Standard workflows only: Express workflows cannot be redriven). */
    REDRIVE,
    /** Always start a new execution with the original input. */
    RESTART;

    /** The tag value: {@code auto}, {@code redrive} or {@code restart}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
