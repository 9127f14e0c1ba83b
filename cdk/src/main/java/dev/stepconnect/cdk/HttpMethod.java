package dev.stepconnect.cdk;

/** HTTP methods an HTTP Task can use (the {@code states:HTTPMethod} IAM condition key takes these names). */
public enum HttpMethod {
    GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS
}
