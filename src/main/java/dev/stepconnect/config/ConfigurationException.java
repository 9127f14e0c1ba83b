package dev.stepconnect.config;

/** A function setting (environment variable) is missing or invalid; the message names the variable. */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
