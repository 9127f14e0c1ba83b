package dev.stepconnect.lambda;

import dev.stepconnect.log.Log;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming. Lambda takes the snapshot after init; whatever classes the first invocation would
 * load and whatever code it would run cold can be loaded and run before the snapshot instead, so a
 * restored function answers its first event warm. Each function registers one primer that exercises
 * its hot path offline: parsing and writing events, the domain logic, and its SDK calls up to (not
 * including) the network, through {@link DryRun}. Nothing a primer does touches a real resource.
 * Without a CRaC runtime (local runs, tests, functions without SnapStart) nothing is ever called.
 */
public final class Priming implements Resource {
    private static final Log LOG = Log.named("priming");
    // org.crac keeps registered resources weakly; these strong references keep the primers alive.
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();
    private final String function;
    private final Runnable primer;

    private Priming(String function, Runnable primer) {
        this.function = function;
        this.primer = primer;
    }

    /** Registers {@code primer} to run before the SnapStart snapshot of {@code function}. */
    public static void register(String function, Runnable primer) {
        Priming priming = of(function, primer);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    static Priming of(String function, Runnable primer) {
        return new Priming(function, primer);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: the url-connection client keeps no pool that a restore would break, and
        // no function keeps a seeded java.util.Random (jitter and credentials come from SecureRandom).
    }

    /** Runs the primer; a failing primer is logged and never fails the snapshot. */
    public void prime() {
        long start = System.nanoTime();
        try {
            primer.run();
            LOG.info("primed for SnapStart", "function", function, "millis", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("priming failed; the snapshot is taken anyway", "function", function,
                    "errorType", e.getClass().getName());
        }
    }

    /** The primers registered in this JVM (the benchmark and tests run them without a CRaC runtime). */
    public static List<Priming> registered() {
        return List.copyOf(REGISTERED);
    }
}
