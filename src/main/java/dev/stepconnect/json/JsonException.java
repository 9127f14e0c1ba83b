package dev.stepconnect.json;

/** A JSON document is malformed or lacks a field of the expected type. Never carries the document itself. */
public class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
