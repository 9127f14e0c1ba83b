package dev.stepconnect.cfn;

import com.amazonaws.services.lambda.runtime.Context;

/** Starts a later, asynchronous invocation of this same function with {@code event}. */
@FunctionalInterface
public interface Continuer {
    /** No hand-on: every request is answered by the invocation that received it. */
    Continuer NONE = (event, context) -> {
        throw new UnsupportedOperationException("this function does not hand requests on");
    };

    /** @throws RuntimeException when the invocation could not be queued */
    void handOn(String event, Context context);
}
