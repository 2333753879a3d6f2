package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests of {@link TaskGroup}, porting the behaviours of CPython's {@code test_taskgroups.py}
 * ({@code test_taskgroup_01} .. {@code _25}, {@code test_cancellation},
 * {@code test_cancelling_level_preserved}, {@code test_nested_groups_both_cancelled},
 * {@code test_cancels_task_if_created_during_creation}, {@code test_error_and_cancel}).
 */
@Timeout(20)
class TaskGroupTest {

    private static final long WAIT_SECONDS = 10;

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }

    private static <T> T blockForever() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    /** Runs {@code body} as a task and returns its value. */
    private static <T> T inTask(java.util.concurrent.Callable<T> body) throws Exception {
        return Task.start(body).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- normal life -------------------------------------------------------------------------------

    @Test
    void close_allSucceed_waitsForEveryTaskAndResultsAreThere() {
        Task<Integer> a;
        Task<Integer> b;
        try (TaskGroup tg = TaskGroup.open()) {
            a = tg.start(() -> 42);
            b = tg.start("b", () -> 11);
        }
        assertThat(a.isStopped()).isTrue();
        assertThat(b.isStopped()).isTrue();
        assertThat(a.join() + b.join()).isEqualTo(53);
        assertThat(b.name()).isEqualTo("b");
    }

    @Test
    void close_waitsUntilBodiesHaveReallyStopped() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch closing = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        Thread owner = Thread.currentThread();
        Thread releaser;
        try (TaskGroup tg = TaskGroup.open()) {
            tg.start(() -> {
                started.countDown();
                closing.await();
                finished.set(true);
                return null;
            });
            await(started);
            // Releases the body only once the owner blocks again, which is in close(): the body
            // outlasts the block.
            releaser = Thread.ofPlatform().start(() -> {
                while (owner.getState() != Thread.State.WAITING && owner.getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
                closing.countDown();
            });
        }
        assertThat(finished).isTrue();
        releaser.join();
    }

    @Test
    void start_fromAChildWhileClosing_isWaitedForToo() {
        AtomicReference<@Nullable Task<String>> grandchild = new AtomicReference<>();
        try (TaskGroup tg = TaskGroup.open()) {
            tg.start(() -> {
                grandchild.set(tg.start(() -> "late"));
                return null;
            });
        }
        assertThat(grandchild.get()).isNotNull();
        assertThat(grandchild.get().isStopped()).isTrue();
        assertThat(grandchild.get().join()).isEqualTo("late");
    }

    @Test
    void start_afterClose_throwsFinishedAndBodyNeverRuns() {
        TaskGroup tg = TaskGroup.open();
        tg.close();
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> tg.start(() -> ran.getAndSet(true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is finished");
        assertThat(ran).isFalse();
        tg.close(); // a second close returns at once
    }

    @Test
    void childCancelled_isNotAFailure() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<String> victim;
        try (TaskGroup tg = TaskGroup.open()) {
            victim = tg.start(() -> {
                started.countDown();
                return blockForever();
            });
            Task<String> other = tg.start(() -> "fine");
            await(started);
            victim.cancel("not needed");
            assertThat(other.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("fine");
        }
        assertThat(victim.isCancelled()).isTrue();
    }

    // ---- failure policy ----------------------------------------------------------------------------

    @Test
    void childFails_siblingsAreInterruptedAndCloseThrowsWithTheFailure() throws Exception {
        CountDownLatch siblingsBlocked = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        IOException boom = new IOException("boom");
        CountDownLatch mayFail = new CountDownLatch(1);
        List<Task<?>> siblings = new ArrayList<>();
        TaskGroup tg = TaskGroup.builder().name("fail-fast").open();
        for (int i = 0; i < 2; i++) {
            siblings.add(tg.start(() -> {
                siblingsBlocked.countDown();
                try {
                    return blockForever();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                }
            }));
        }
        tg.start(() -> {
            mayFail.await();
            throw boom;
        });
        await(siblingsBlocked);
        mayFail.countDown();
        assertThatThrownBy(tg::close).isInstanceOfSatisfying(TaskGroupException.class, e -> {
            assertThat(e.failures()).containsExactly(boom);
            assertThat(e).hasCause(boom).hasMessageContaining("1 failure in TaskGroup[name=fail-fast");
        });
        assertThat(interrupted).hasValue(2);
        assertThat(siblings).allSatisfy(s -> {
            assertThat(s.isStopped()).isTrue();
            assertThat(s.isCancelled()).isTrue();
        });
    }

    @Test
    void childrenFailWhileStopping_everyFailureIsKept() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        IOException first = new IOException("first");
        IllegalStateException inCleanup = new IllegalStateException("clean-up failed");
        TaskGroup tg = TaskGroup.open();
        tg.start(() -> {
            blocked.countDown();
            try {
                return blockForever();
            } catch (InterruptedException e) {
                throw inCleanup;
            }
        });
        await(blocked);
        tg.start(() -> {
            throw first;
        });
        assertThatThrownBy(tg::close).isInstanceOfSatisfying(TaskGroupException.class, e -> {
            assertThat(e.failures()).containsExactly(first, inCleanup);
            assertThat(e.getCause()).isSameAs(first);
            assertThat(e.getSuppressed()).containsExactly(inCleanup);
            assertThat(e).hasMessageStartingWith("2 failures in TaskGroup[");
        });
    }

    @Test
    void start_afterAFailure_throwsShuttingDownAndBodyNeverRuns() throws Exception {
        TaskGroup tg = TaskGroup.open();
        tg.start(() -> {
            throw new IOException("boom");
        });
        awaitAborting(tg);
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> tg.start(() -> ran.getAndSet(true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shutting down");
        assertThat(ran).isFalse();
        assertThatThrownBy(tg::close).isInstanceOf(TaskGroupException.class);
    }

    /** Returns once the group has recorded a failure and begun its abort (bounded). */
    private static void awaitAborting(TaskGroup tg) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!tg.toString().contains("state=ABORTING")) {
            assertThat(System.nanoTime() - deadline).as("%s aborting in time", tg).isNegative();
            Thread.yield();
        }
    }

    @Test
    void childIgnoringItsInterrupt_closeWaitsUntilItEnds() throws Exception {
        CountDownLatch ignoring = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        TaskGroup tg = TaskGroup.open();
        tg.start(() -> {
            ignoring.countDown();
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException ignored) {
                    // a body that ignores its interrupt
                }
            }
            ended.set(true);
            return "ended";
        });
        await(ignoring);
        tg.start(() -> {
            throw new IOException("boom");
        });
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                tg.close();
            } catch (TaskGroupException expected) {
                // the failure of the other task
            }
        });
        Blocking.awaitBlocked(closer);
        assertThat(tg.liveCount()).isEqualTo(1);
        release.countDown();
        closer.join();
        assertThat(ended).isTrue();
    }

    @Test
    void failureOfAnImmediatelyFailingChild_stopsChildrenStartedLater() throws Exception {
        // asyncio's test_cancels_task_if_created_during_creation: whatever the interleaving, a task
        // started after a task that fails at once is refused or stopped, never left running.
        for (int i = 0; i < 200; i++) {
            TaskGroup tg = TaskGroup.open();
            tg.start(() -> {
                throw new IOException("fails at once");
            });
            Task<String> later = null;
            try {
                later = tg.start(() -> blockForever());
            } catch (IllegalStateException refused) {
                assertThat(refused).hasMessageContaining("shutting down");
            }
            assertThatThrownBy(tg::close).isInstanceOf(TaskGroupException.class);
            if (later != null) {
                assertThat(later.isStopped()).isTrue();
                assertThat(later.isCancelled()).isTrue();
            }
        }
    }

    // ---- cancellation ------------------------------------------------------------------------------

    @Test
    void ownerTaskCancelledInBlock_childrenAreStoppedAndCloseThrowsCancellation() throws Exception {
        CountDownLatch childBlocked = new CountDownLatch(1);
        CountDownLatch ownerBlocked = new CountDownLatch(1);
        AtomicReference<@Nullable Task<?>> child = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Task<Void> owner = Task.start(() -> {
            try (TaskGroup tg = TaskGroup.open()) {
                child.set(tg.start(() -> {
                    childBlocked.countDown();
                    return blockForever();
                }));
                ownerBlocked.countDown();
                blockForever();
            } catch (Throwable t) {
                thrown.set(t);
                throw t;
            }
            return null;
        });
        await(childBlocked);
        await(ownerBlocked);
        owner.cancel("owner cancelled");
        owner.awaitStopped();
        assertThat(child.get().isStopped()).isTrue();
        assertThat(child.get().isCancelled()).isTrue();
        // The block's InterruptedException is primary; close() reported the cancellation too.
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(thrown.get().getSuppressed()).singleElement().isInstanceOf(CancellationException.class);
    }

    @Test
    void ownerInterruptedWhileClosing_childrenStoppedCancellationThrownInterruptKept() throws Exception {
        CountDownLatch childBlocked = new CountDownLatch(1);
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        AtomicReference<@Nullable Task<?>> child = new AtomicReference<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            try (TaskGroup tg = TaskGroup.open()) {
                child.set(tg.start(() -> {
                    childBlocked.countDown();
                    return blockForever();
                }));
            } catch (Throwable t) {
                thrown.set(t);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        await(childBlocked);
        Blocking.awaitBlocked(owner);
        owner.interrupt();
        owner.join();
        assertThat(thrown.get()).isInstanceOf(CancellationException.class).hasMessageContaining("owner");
        assertThat(interruptedAfter).isTrue();
        assertThat(child.get().isStopped()).isTrue();
    }

    @Test
    void ownerCancelledAndChildFailsInCleanup_failureWinsOverCancellation() throws Exception {
        CountDownLatch childBlocked = new CountDownLatch(1);
        IllegalStateException inCleanup = new IllegalStateException("clean-up failed");
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread owner = Thread.ofVirtual().start(() -> {
            try (TaskGroup tg = TaskGroup.open()) {
                tg.start(() -> {
                    childBlocked.countDown();
                    try {
                        return blockForever();
                    } catch (InterruptedException e) {
                        throw inCleanup;
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        await(childBlocked);
        Blocking.awaitBlocked(owner);
        owner.interrupt();
        owner.join();
        assertThat(thrown.get()).isInstanceOfSatisfying(TaskGroupException.class,
                e -> assertThat(e.failures()).containsExactly(inCleanup));
        assertThat(interruptedAfter).as("the owner's cancellation is kept").isTrue();
    }

    @Test
    void cancel_stopsTasksRefusesNewOnesAndCloseThrowsNothing() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        Task<String> t;
        try (TaskGroup tg = TaskGroup.open()) {
            t = tg.start(() -> {
                blocked.countDown();
                return blockForever();
            });
            await(blocked);
            tg.cancel();
            assertThatThrownBy(() -> tg.start(() -> "x")).isInstanceOf(IllegalStateException.class);
        }
        assertThat(t.isCancelled()).isTrue();
        assertThat(t.isStopped()).isTrue();
    }

    @Test
    void ownerLevel_preservedAfterGroupHandledAFailure() throws Exception {
        String r = inTask(() -> {
            try {
                TaskGroup.run(tg -> {
                    tg.start(() -> {
                        throw new IOException("boom");
                    });
                    return blockForever(); // interrupted by the group
                });
                return "no failure";
            } catch (TaskGroupException e) {
                return "failed, cancelling=" + Task.current().cancelling()
                        + ", interrupted=" + Thread.currentThread().isInterrupted();
            }
        });
        assertThat(r).isEqualTo("failed, cancelling=0, interrupted=false");
    }

    // ---- the run() form ----------------------------------------------------------------------------

    @Test
    void run_returnsBodyValueAfterAllTasksStopped() throws Exception {
        AtomicReference<@Nullable Task<Integer>> child = new AtomicReference<>();
        int v = TaskGroup.run(tg -> {
            child.set(tg.start(() -> 2));
            return 40;
        });
        assertThat(v + child.get().join()).isEqualTo(42);
    }

    @Test
    void run_bodyThrows_tasksAreStoppedAndTheBodysExceptionIsRethrown() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<@Nullable Task<?>> child = new AtomicReference<>();
        IOException boom = new IOException("body failed");
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
            child.set(tg.start(() -> {
                blocked.countDown();
                return blockForever();
            }));
            await(blocked);
            throw boom;
        })).isSameAs(boom);
        assertThat(child.get().isStopped()).isTrue();
        assertThat(child.get().isCancelled()).isTrue();
    }

    @Test
    void run_bodyAndTaskFail_groupExceptionListsTaskFailureThenBodyFailure() throws Exception {
        CountDownLatch childFailed = new CountDownLatch(1);
        IOException inChild = new IOException("child");
        IllegalStateException inBody = new IllegalStateException("body");
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
            Task<Object> c = tg.start(() -> {
                throw inChild;
            });
            try {
                c.awaitStopped();
            } catch (InterruptedException groupsOwnInterrupt) {
                // the group interrupts the block when a task fails; this body carries on
            }
            childFailed.countDown();
            throw inBody;
        })).isInstanceOfSatisfying(TaskGroupException.class,
                e -> assertThat(e.failures()).containsExactly(inChild, inBody));
        assertThat(childFailed.getCount()).isZero();
    }

    @Test
    void run_taskFailsWhileBodyBlocks_bodyIsInterruptedAndGroupExceptionReplacesIt() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
            tg.start(() -> {
                throw boom;
            });
            return blockForever();
        })).isInstanceOfSatisfying(TaskGroupException.class, e -> assertThat(e.failures()).containsExactly(boom));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void run_bodyThrowsAnErrorAndNoTaskFails_thatErrorIsRethrownUnwrapped() {
        AssertionError broken = new AssertionError("body broke");
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
            tg.start(() -> "fine");
            throw broken;
        })).isSameAs(broken);
    }

    @Test
    void run_taskThrowsAnError_itIsListedInTheGroupExceptionNotThrownAlone() {
        AssertionError broken = new AssertionError("task broke");
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
            tg.start(() -> {
                throw broken;
            });
            return "body done";
        })).isInstanceOfSatisfying(TaskGroupException.class, e -> {
            assertThat(e.failures()).containsExactly(broken);
            assertThat(e).hasCause(broken);
        });
    }

    @Test
    void run_taskFailsAndBodyThrowsAnError_groupExceptionListsTheTaskFailureThenTheBodysError() {
        IOException inChild = new IOException("child");
        AssertionError inBody = new AssertionError("body");
        assertThatThrownBy(() -> TaskGroup.run(tg -> {
            Task<Object> c = tg.start(() -> {
                throw inChild;
            });
            try {
                c.awaitStopped();
            } catch (InterruptedException groupsOwnInterrupt) {
                // the group interrupts the block when a task fails; this body carries on
            }
            throw inBody;
        })).isInstanceOfSatisfying(TaskGroupException.class,
                e -> assertThat(e.failures()).containsExactly(inChild, inBody));
    }

    @Test
    void close_taskThrowsAnError_itIsListedInTheGroupException() {
        AssertionError broken = new AssertionError("task broke");
        assertThatThrownBy(() -> {
            try (TaskGroup tg = TaskGroup.open()) {
                tg.start(() -> {
                    throw broken;
                });
            }
        }).isInstanceOfSatisfying(TaskGroupException.class, e -> assertThat(e.failures()).containsExactly(broken));
    }

    @Test
    void run_inATask_childFailureCancelsTheSiblingTheBodyAwaits() throws Exception {
        CountDownLatch siblingRunning = new CountDownLatch(1);
        AtomicReference<@Nullable Task<String>> sibling = new AtomicReference<>();
        IOException boom = new IOException("boom");
        Object outcome = inTask(() -> {
            try {
                return TaskGroup.<Object, ExecutionException>run(tg -> {
                    Task<String> s = tg.start(() -> {
                        siblingRunning.countDown();
                        return blockForever();
                    });
                    sibling.set(s);
                    await(siblingRunning);
                    tg.start(() -> {
                        throw boom;
                    });
                    return s.get(); // interrupted by the group's cancel request when the other task fails
                });
            } catch (TaskGroupException e) {
                return e;
            }
        });
        assertThat(outcome).isInstanceOfSatisfying(TaskGroupException.class,
                e -> assertThat(e.failures()).containsExactly(boom));
        assertThat(sibling.get().isCancelled()).isTrue();
        assertThat(sibling.get().isStopped()).isTrue();
    }

    @Test
    void run_ownerCancelledFromOutside_throwsInterruptedAfterStoppingTasks() throws Exception {
        CountDownLatch blocked = new CountDownLatch(2);
        AtomicReference<@Nullable Task<?>> child = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            try {
                TaskGroup.run(tg -> {
                    child.set(tg.start(() -> {
                        blocked.countDown();
                        return blockForever();
                    }));
                    blocked.countDown();
                    return blockForever();
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        await(blocked);
        Blocking.awaitBlocked(owner);
        owner.interrupt();
        owner.join();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(child.get().isStopped()).isTrue();
    }

    // ---- nesting -----------------------------------------------------------------------------------

    @Test
    void nested_innerGroupFails_outerListsTheInnerGroupException() {
        IOException boom = new IOException("inner boom");
        assertThatThrownBy(() -> {
            try (TaskGroup outer = TaskGroup.builder().name("outer").open()) {
                outer.start(() -> {
                    try (TaskGroup inner = TaskGroup.builder().name("inner").open()) {
                        inner.start(() -> {
                            throw boom;
                        });
                    }
                    return null;
                });
            }
        }).isInstanceOfSatisfying(TaskGroupException.class, e -> {
            assertThat(e.failures()).singleElement().isInstanceOfSatisfying(TaskGroupException.class,
                    inner -> assertThat(inner.failures()).containsExactly(boom));
        });
    }

    @Test
    void nested_outerChildFails_innerGroupIsCancelledWithoutBeingAFailure() throws Exception {
        CountDownLatch innerChildBlocked = new CountDownLatch(1);
        IOException boom = new IOException("outer boom");
        AtomicReference<@Nullable Task<?>> innerChild = new AtomicReference<>();
        assertThatThrownBy(() -> {
            try (TaskGroup outer = TaskGroup.open()) {
                outer.start(() -> {
                    try (TaskGroup inner = TaskGroup.open()) {
                        innerChild.set(inner.start(() -> {
                            innerChildBlocked.countDown();
                            return blockForever();
                        }));
                    }
                    return null;
                });
                await(innerChildBlocked);
                outer.start(() -> {
                    throw boom;
                });
            }
        }).isInstanceOfSatisfying(TaskGroupException.class, e -> assertThat(e.failures()).containsExactly(boom));
        assertThat(innerChild.get().isStopped()).isTrue();
    }

    // ---- concurrency limit and executors -----------------------------------------------------------

    @Test
    void limit_atMostThatManyBodiesRunAtOnceAndAllRun() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch allThreeRunning = new CountDownLatch(1);
        try (TaskGroup tg = TaskGroup.builder().limit(3).open()) {
            for (int i = 0; i < 30; i++) {
                tg.start(() -> {
                    int now = running.incrementAndGet();
                    maxRunning.accumulateAndGet(now, Math::max);
                    if (now == 3) {
                        allThreeRunning.countDown();
                    }
                    allThreeRunning.await(); // the first bodies overlap until the limit is reached
                    running.decrementAndGet();
                    return ran.incrementAndGet();
                });
            }
        }
        assertThat(ran).hasValue(30);
        assertThat(maxRunning.get()).isEqualTo(3);
    }

    @Test
    void limit_tasksBeyondItArePendingAndAFailureCancelsThemBeforeTheyRun() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        AtomicInteger laterRan = new AtomicInteger();
        TaskGroup tg = TaskGroup.builder().limit(1).open();
        tg.start(() -> {
            firstRunning.countDown();
            release.await();
            throw new IOException("boom");
        });
        await(firstRunning);
        List<Task<Integer>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(tg.start(laterRan::incrementAndGet));
        }
        assertThat(waiting).allSatisfy(t -> assertThat(t.status()).isEqualTo(Task.Status.PENDING));
        release.countDown();
        assertThatThrownBy(tg::close).isInstanceOf(TaskGroupException.class);
        assertThat(laterRan).hasValue(0);
        assertThat(waiting).allSatisfy(t -> assertThat(t.isCancelled()).isTrue());
    }

    @Test
    void limit_lessThanOne_isRejected() {
        assertThatThrownBy(() -> TaskGroup.builder().limit(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    }

    @Test
    void executor_runsTheTasksThere() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "pool-thread"));
        try {
            List<String> threads = new CopyOnWriteArrayList<>();
            try (TaskGroup tg = TaskGroup.builder().executor(pool).open()) {
                tg.start(() -> threads.add(Thread.currentThread().getName()));
            }
            try (TaskGroup tg = TaskGroup.builder().executor(pool).limit(1).open()) {
                tg.start(() -> threads.add(Thread.currentThread().getName()));
            }
            assertThat(threads).containsExactly("pool-thread", "pool-thread");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadFactory_makesTheThreads() {
        List<String> threads = new CopyOnWriteArrayList<>();
        try (TaskGroup tg = TaskGroup.builder().threadFactory(r -> new Thread(r, "made")).open()) {
            tg.start(() -> threads.add(Thread.currentThread().getName()));
        }
        assertThat(threads).containsExactly("made");
    }

    @Test
    void executorRejects_startThrowsAndGroupStaysUsable() {
        Executor rejecting = r -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        };
        try (TaskGroup tg = TaskGroup.builder().executor(rejecting).open()) {
            assertThatThrownBy(() -> tg.start(() -> "x")).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
            assertThat(tg.liveCount()).isZero();
        }
        try (TaskGroup tg = TaskGroup.builder().executor(rejecting).limit(2).open()) {
            assertThatThrownBy(() -> tg.start(() -> "x")).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
            assertThat(tg.liveCount()).isZero();
        }
    }

    @Test
    void spawnRacingFailure_anAdmittedTaskIsStoppedNeverLeftRunning() throws Exception {
        BlockingQueue<Runnable> held = new ArrayBlockingQueue<>(4);
        TaskGroup tg = TaskGroup.builder().executor(held::add).open();
        tg.start(() -> {
            throw new IOException("boom");
        });
        AtomicBoolean laterRan = new AtomicBoolean();
        Task<Boolean> later = tg.start(() -> laterRan.getAndSet(true));
        held.take().run(); // the failing task runs and aborts the group
        assertThat(later.isCancelled()).isTrue();
        held.take().run(); // the later task's runner finds it cancelled
        assertThat(laterRan).isFalse();
        assertThatThrownBy(tg::close).isInstanceOf(TaskGroupException.class);
    }

    @Test
    void toString_showsNameStateLiveAndFailures() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TaskGroup tg = TaskGroup.builder().name("g").open();
        tg.start(() -> {
            release.await();
            return null;
        });
        assertThat(tg).hasToString("TaskGroup[name=g, state=OPEN, live=1, failures=0]");
        assertThat(tg.name()).isEqualTo("g");
        release.countDown();
        tg.close();
        assertThat(tg).hasToString("TaskGroup[name=g, state=CLOSED, live=0, failures=0]");
    }
}
