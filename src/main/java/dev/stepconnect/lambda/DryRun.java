package dev.stepconnect.lambda;

import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Runs an SDK call through the whole client pipeline (validation, endpoint rules, marshalling,
 * signing) and stops it just before the request would leave the machine. Used for priming: the
 * classes and code paths of a real call are loaded and run, and no AWS resource sees a request.
 * {@link #INTERCEPTOR} is installed on every client by the client factory; outside a dry run it does nothing.
 */
public final class DryRun {
    public static final ExecutionInterceptor INTERCEPTOR = new Interceptor();
    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> false);

    private DryRun() {
    }

    /** Runs {@code call} as a dry run; the call's outcome (always an aborted request) is swallowed. */
    public static void call(Supplier<?> call) {
        ACTIVE.set(true);
        try {
            call.get();
        } catch (RuntimeException expected) {
            // The abort below surfaces as an SdkClientException: the request was never sent.
        } finally {
            ACTIVE.set(false);
        }
    }

    /** Thrown inside the SDK pipeline to stop a dry-run request before transmission. */
    static final class DryRunAbortException extends RuntimeException {
        DryRunAbortException() {
            super("dry run: request not sent", null, false, false);
        }
    }

    private static final class Interceptor implements ExecutionInterceptor {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (ACTIVE.get()) {
                throw new DryRunAbortException();
            }
        }
    }
}
