package dev.meshdns.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the heap grow in large steps while the server starts, then puts the JVM's own heap-sizing
 * ratios back. The launcher keeps the heap tight ({@code -XX:MinHeapFreeRatio=10
 * -XX:MaxHeapFreeRatio=30}); while a first catalog of a million services is restored and built,
 * that makes every full GC grow the old generation by only 10% of what is live, so the live set is
 * marked some 24 times over (62 s of 90 s of a measured restart). Both ratios are manageable
 * flags, so they are changed only for the start (with {@code --control-plane}, until its first
 * sync is applied, which may come after the start). Then {@link #giveBack} returns what the start
 * grew. Thread-safe: {@link #close} from any thread, once or more.
 */
final class StartHeap implements AutoCloseable {
    static final String MIN = "MinHeapFreeRatio";
    static final String MAX = "MaxHeapFreeRatio";
    /**
     * Three quarters of the heap free after a full GC while starting: the old generation quadruples
     * per step. A restart of a million services measured 2 full GCs (4 s) with it, 5 (12-18 s) with
     * half; the committed heap is given back at a later full GC.
     */
    static final int START_MIN = 75;
    static final int START_MAX = 90;
    /**
     * Names the entries own up to which {@link #giveBack} runs a full GC: 200,000-400,000 services
     * (one or two names each), 250-450 MB live, a pause of about a second (a full GC took 2-3 ms per
     * live MB).
     */
    static final int GIVE_BACK_NAMES = 400_000;
    /**
     * The most of the old generation {@link #giveBack}'s full GC leaves free (when the launcher's
     * MaxHeapFreeRatio is higher): the floor of the launcher's 10-30% band, so the heap starts as
     * small as that band lets it be. Later full GCs keep the band: they grow the heap when less than
     * 10% is free and shrink it only past 30%. At 100,000 services 10% measured 205 MB RSS against
     * 215-218 MB with 20% (and 20% was 18 MB less than 30%). The price, in catalog-file mode, where
     * each edit re-reads the whole file: a full GC (120-200 ms at 100,000 services) every 2-3 edits
     * instead of every 5-6.
     */
    static final int GIVE_BACK_MAX = 10;
    private static final Logger log = LoggerFactory.getLogger(StartHeap.class);

    private final HotSpotDiagnosticMXBean vm;
    private final int min;
    private final int max;
    private boolean closed;
    /** Whether {@link #beforeFirstAnswer} collected: the start's garbage is gone then. */
    private volatile boolean collected;

    private StartHeap(HotSpotDiagnosticMXBean vm, int min, int max) {
        this.vm = vm;
        this.min = min;
        this.max = max;
    }

    /**
     * Raises the ratios to at least {@value #START_MIN}/{@value #START_MAX} until {@link #close};
     * ratios already roomier are left as they are. Does nothing (and says so at debug level) on a
     * JVM without these flags.
     */
    static StartHeap widen() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        try {
            int min = Integer.parseInt(vm.getVMOption(MIN).getValue());
            int max = Integer.parseInt(vm.getVMOption(MAX).getValue());
            StartHeap heap = new StartHeap(vm, min, max);
            heap.set(Math.max(min, START_MIN), Math.max(max, START_MAX));
            return heap;
        } catch (RuntimeException e) {
            log.debug("heap-sizing ratios left as they are for the start: {}", e.toString());
            return new StartHeap(null, 0, 0);
        }
    }

    /** Puts back the ratios found by {@link #widen}; idempotent. */
    @Override
    public synchronized void close() {
        if (vm != null && !closed) {
            closed = true;
            try {
                set(min, max);
            } catch (RuntimeException e) {
                log.debug("heap-sizing ratios not restored after the start: {}", e.toString());
            }
        }
    }

    /**
     * The first table is about to be published and nothing answers yet (no saved table did): above
     * {@value #GIVE_BACK_NAMES} names, where {@link #giveBack} would not collect, collects the start's
     * garbage now, with one full GC under the start's ratios, since the pause delays no answer (zone
     * names answer SERVFAIL until then, and the SERVFAIL waits). At a million services that garbage
     * was otherwise collected 5-15 s after the start, pausing DNS for 1.5 s (an edit of the file then
     * answered after 3 s). The start's ratios leave room for what the apply still builds after the
     * publish (some 300 MB at a million: with the launcher's 30% free it took three more full GCs);
     * the heap shrinks to the launcher's ratios at its next full GC. Called once, on the store thread.
     */
    void beforeFirstAnswer(int names) {
        if (names > GIVE_BACK_NAMES) {
            collected = true;
            collect(false, ", before the first answer");
        }
    }

    /**
     * The first catalog (with {@code --control-plane}, its first sync) is applied: puts the ratios
     * back and, unless {@link #beforeFirstAnswer} collected already, {@link #giveBack gives back}.
     */
    void afterStart(int names) {
        close();
        if (collected) {
            log.info("heap after the start: {} names, collected before the first answer; it shrinks at its next"
                    + " full GC", names);
        } else {
            giveBack(names);
        }
    }

    /**
     * Gives back the heap the start grew, with one full GC, when the table holds at most
     * {@value #GIVE_BACK_NAMES} names. The serial collector shrinks the heap only at a full GC, and
     * a server that makes little garbage may go days without one. Measured at 100,000 services with
     * the launcher's {@code -Xms32m -XX:-ShrinkHeapInSteps}: 557-718 MB committed after the start,
     * 186-211 MB after that GC (300 ms). At a million services it would pause every thread, DNS
     * included, for 3.4 s; there the heap shrinks at its next full GC instead. This GC leaves at most
     * {@value #GIVE_BACK_MAX}% of the old generation free, then the launcher's ratio is put back.
     * With {@code -XX:+DisableExplicitGC} it does nothing. Call after {@link #close}, once.
     */
    static void giveBack(int names) {
        if (names > GIVE_BACK_NAMES) {
            log.info("heap after the start: not collected now ({} names, more than {}: a full GC would pause DNS"
                    + " too long); it shrinks at its next full GC", names, GIVE_BACK_NAMES);
            return;
        }
        collect(true, "");
    }

    /** One full GC, with MaxHeapFreeRatio at most {@value #GIVE_BACK_MAX} meanwhile when {@code tight}; logged. */
    private static void collect(boolean tight, String when) {
        if (explicitGcDisabled()) {
            log.debug("heap after the start: not collected (-XX:+DisableExplicitGC)");
            return;
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = memory.getHeapMemoryUsage().getCommitted();
        long started = System.nanoTime();
        String max = tight ? tightenMax() : null;
        try {
            System.gc();
        } finally {
            if (max != null) {
                setMax(max);
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        log.info("heap after the start: {} MB committed, {} MB used after one full GC ({} MB committed before, {} ms{})",
                memory.getHeapMemoryUsage().getCommitted() >> 20, memory.getHeapMemoryUsage().getUsed() >> 20,
                before >> 20, millis, when);
    }

    /**
     * Lowers MaxHeapFreeRatio to {@value #GIVE_BACK_MAX} when it is higher and MinHeapFreeRatio
     * allows it; returns the value to put back, or null when it was left as it is.
     */
    private static String tightenMax() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            String max = vm.getVMOption(MAX).getValue();
            int min = Integer.parseInt(vm.getVMOption(MIN).getValue());
            if (Integer.parseInt(max) <= GIVE_BACK_MAX || min > GIVE_BACK_MAX) {
                return null;
            }
            vm.setVMOption(MAX, Integer.toString(GIVE_BACK_MAX));
            return max;
        } catch (RuntimeException e) {
            log.debug("MaxHeapFreeRatio left as it is for the give-back: {}", e.toString());
            return null;
        }
    }

    private static void setMax(String max) {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).setVMOption(MAX, max);
        } catch (RuntimeException e) {
            log.debug("MaxHeapFreeRatio not put back after the give-back: {}", e.toString());
        }
    }

    private static boolean explicitGcDisabled() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("DisableExplicitGC").getValue());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The JVM refuses a minimum above the maximum, so the order depends on the direction. */
    private void set(int newMin, int newMax) {
        int currentMax = Integer.parseInt(vm.getVMOption(MAX).getValue());
        if (newMin > currentMax) {
            vm.setVMOption(MAX, Integer.toString(newMax));
            vm.setVMOption(MIN, Integer.toString(newMin));
        } else {
            vm.setVMOption(MIN, Integer.toString(newMin));
            vm.setVMOption(MAX, Integer.toString(newMax));
        }
    }
}
