package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.ReadWriteLock;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/*
 * Goal: a queued writer that is cancelled while the last reader leaves never strands the readers
 * queued behind it and never leaves the lock write-held for nobody. One read hold, then a queued
 * writer and a queued reader, all from the state's constructor; one actor releases the read
 * hold (which grants the write lock to the writer), the other cancels the writer. Either the
 * writer holds the lock and the reader still waits, or the writer is gone and the reader holds a
 * read lock.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t ReadWriteLock_01_WriterCancelVsReaderRelease
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       1, 1, 0, 1       156,445  100.00%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 0, 1, 0", expect = ACCEPTABLE, desc = "The release granted the writer first: cancel failed, the writer holds the lock, the reader waits.")
@Outcome(id = "1, 1, 0, 1", expect = ACCEPTABLE, desc = "The writer was cancelled (before or racing its grant): the queued reader holds a read lock.")
@Outcome(expect = FORBIDDEN, desc = "Stranded reader, write lock held for nobody, or a lost or extra read hold.")
@State
public class ReadWriteLock_01_WriterCancelVsReaderRelease {

    private final ReadWriteLock rw = new ReadWriteLock();
    private final CompletableFuture<?> writer;
    private final CompletableFuture<?> reader;
    private int cancelled;

    public ReadWriteLock_01_WriterCancelVsReaderRelease() {
        if (!rw.readLock().tryAcquire()) {
            throw new IllegalStateException("a new lock must be free");
        }
        writer = rw.writeLock().acquireAsync();
        reader = rw.readLock().acquireAsync();
    }

    @Actor
    public void releaseRead() {
        rw.readLock().release();
    }

    @Actor
    public void cancelWriter() {
        cancelled = writer.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = cancelled;
        r.r2 = reader.isDone() && !reader.isCompletedExceptionally() ? 1 : 0;
        r.r3 = rw.isWriteLocked() ? 1 : 0;
        r.r4 = rw.getReadLockCount();
    }
}
