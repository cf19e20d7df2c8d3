package io.hearth.pool;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.grammar.GrammarLimitException;
import io.hearth.engine.kv.BlockPool;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.Sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A replica's continuous-batching step loop. Invariants:
 * <ul>
 *   <li>One thread runs the loop and is the only one that touches the backend, the KV cache and the running set.</li>
 *   <li>A sequence is admitted (between steps, callers in turn and FIFO for each: {@link FairQueue}) only when its whole KV need — uncached prompt plus max_tokens —
 *       is reserved, so a running sequence never fails for lack of KV blocks; one that cannot be reserved yet waits.</li>
 *   <li>Each step carries every running sequence: one decode token each, plus prompt chunks of prefilling sequences
 *       within a budget of {@link Generator#PREFILL_CHUNK} tokens, so a long prompt never stalls the decoders.</li>
 *   <li>A sequence leaves the running set when it finishes, fails or is cancelled, and its KV blocks go back to the
 *       pool (full blocks stay cached for later prompts) before the next step.</li>
 *   <li>A failed step, or a {@link #kill}, fails the replica: the loop ends, every running and waiting sequence gets
 *       a {@link ReplicaFailedException} (nothing is lost: the caller may retry elsewhere), later submissions are
 *       refused with the same exception, and the owner hears of it once.</li>
 *   <li>A replica that was idle waits a moment before its first step ({@link #batchWindowNanos}), so that requests
 *       sent together start together: otherwise the first runs a step alone while the rest wait for it, and finishes a
 *       step ahead of them, so each burst costs two steps that carry one sequence's worth of work.</li>
 *   <li>The {@link SelfCheck} rides on the first step (its block reserved before anything is admitted; the loop
 *       waits {@link #CHECK_GRACE_NANOS} for the first requests to join it) and is verified before any token of that
 *       step reaches a caller. If it fails, the replica fails with the check's exception instead.</li>
 * </ul>
 */
final class Scheduler implements AutoCloseable {
    /** What the pool wants to know about each step (batch size, tokens out). */
    interface StepObserver {
        void onStep(int sequences, int generatedTokens);
    }

    /** Told once, on the step loop's thread, when the replica failed; the owner replaces it. */
    interface FailureObserver {
        void onFailure(RuntimeException failure);
    }

    /** A fixed probe checked on the replica's first step: {@code verify} throws if its logits are wrong. */
    interface SelfCheck {
        int[] tokens();

        void verify(float[] logits);
    }

    /** How long the self-check waits for requests to share its step: held callers submit right after a load. */
    static final long CHECK_GRACE_NANOS = 50_000_000L;

    /** The longest wait of an idle replica for more requests before its first step. */
    static final long MAX_BATCH_WINDOW_NANOS = 20_000_000L;
    /**
     * The window is this fraction of a typical step, so a lone request pays at most 5% more time to first token, while
     * a burst saves a whole step: on CPU (steps of 0.1–0.5 s) that is the full 20 ms, on a GPU well under a millisecond.
     */
    static final int BATCH_WINDOW_FRACTION = 20;

    /** The self-check's own failure, kept apart from a backend failure. */
    private static final class CheckFailed extends RuntimeException {
        CheckFailed(RuntimeException cause) {
            super(cause);
        }
    }

    private final Backend backend;
    private final int maxBatch;
    private final StepPlanner planner;
    private final String name;
    private final StepObserver observer;
    private final FailureObserver failureObserver;
    private final SharedBlocks shared;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final FairQueue waiting = new FairQueue();
    private final List<ScheduledSequence> running = new ArrayList<>();
    private final Thread loop;
    private volatile boolean closed;
    private volatile RuntimeException failure;
    /** Owned by the step loop: the check still to run, and the sequence holding its KV. */
    private SelfCheck pendingCheck;
    private Sequence checkSequence;
    private volatile int runningCount;
    /** Written by the step loop: a moving average of step durations, 0 before the first step. */
    private volatile long typicalStepNanos;

    Scheduler(Backend backend, int maxBatch, String name, StepObserver observer, FailureObserver failureObserver, SelfCheck check,
              SharedBlocks shared) {
        this.backend = backend;
        this.shared = shared;
        this.pendingCheck = check;
        this.maxBatch = maxBatch;
        this.planner = new StepPlanner(maxBatch);
        this.name = name;
        this.observer = observer;
        this.failureObserver = failureObserver;
        this.loop = Thread.ofPlatform().daemon().name("hearth-scheduler-" + name).start(this::run);
    }

    void submit(ScheduledSequence s) {
        lock.lock();
        try {
            if (failure != null) throw failure;
            // lost a race with an unload: the request did nothing yet, so it may go to another replica
            if (closed) throw new ReplicaFailedException("replica " + name + " was unloading");
            waiting.add(s);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Sequences admitted or waiting. */
    int load() {
        lock.lock();
        try {
            return waiting.size() + runningCount;
        } finally {
            lock.unlock();
        }
    }

    int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        if (pendingCheck != null) {
            checkSequence = backend.kvCache().newSequence();
            backend.kvCache().reserve(checkSequence, pendingCheck.tokens().length);
        }
        while (true) {
            lock.lock();
            try {
                while (!closed && failure == null && waiting.isEmpty() && running.isEmpty() && pendingCheck == null) work.awaitUninterruptibly();
                if (pendingCheck != null) awaitWaiting(1, CHECK_GRACE_NANOS);
                else if (running.isEmpty()) awaitWaiting(maxBatch, batchWindowNanos());
                if (closed || failure != null) break;
                admit();
                runningCount = running.size();
            } finally {
                lock.unlock();
            }
            dropCancelled();
            runningCount = running.size();
            if (running.isEmpty() && pendingCheck == null) continue; // all were cancelled: the top of the loop waits
            try {
                step();
            } catch (CheckFailed e) {
                failure = (RuntimeException) e.getCause();
                break;
            } catch (RuntimeException | OutOfMemoryError e) {
                // The backend failed (or a step's buffers did not fit): the replica's state can no longer be trusted, so
                // the whole replica fails, and its callers hear it instead of waiting on a dead loop.
                failure = new ReplicaFailedException("replica " + name + " failed in a step: " + e, e);
                break;
            }
            runningCount = running.size();
        }
        RuntimeException failed = failure;
        if (checkSequence != null) backend.kvCache().release(checkSequence);
        // the owner first: by the time a caller sees the failure, the pool no longer offers this replica
        if (failed != null) failureObserver.onFailure(failed);
        failAll(failed != null ? failed : new CancellationException("the replica was shut down"));
        runningCount = 0;
    }

    /**
     * Fails the replica at the next step boundary, as if its device had failed: its sequences get a
     * {@link ReplicaFailedException} and the owner replaces it. For a replica that misbehaves, and for fault tests.
     */
    void kill(String reason) {
        lock.lock();
        try {
            if (failure == null && !closed) failure = new ReplicaFailedException("replica " + name + " was killed: " + reason);
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean failed() {
        return failure != null;
    }

    /** How long an idle replica waits for more requests before its first step: a small share of a typical step. */
    long batchWindowNanos() {
        return Math.min(MAX_BATCH_WINDOW_NANOS, typicalStepNanos / BATCH_WINDOW_FRACTION);
    }

    /** Waits up to {@code nanos} for {@code enough} requests to be waiting. Holds the lock. */
    private void awaitWaiting(int enough, long nanos) {
        long left = nanos;
        while (left > 0 && !closed && failure == null && waiting.size() < enough) {
            try {
                left = work.awaitNanos(left);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Admits waiting sequences as the batch and the KV cache allow ({@link StepPlanner#admit}). Holds the lock. */
    private void admit() {
        planner.admit(waiting, running, backend.kvCache());
    }

    private void dropCancelled() {
        running.removeIf(s -> {
            if (!s.cancelled()) return false;
            end(s, new CancellationException("cancelled by the caller"));
            return true;
        });
    }

    /** Runs the step the planner decided: one forward pass over the batch (and a pending self-check), then each member's share of it. */
    private void step() {
        StepPlanner.Plan plan = planner.plan(running);
        List<BatchEntry> batch = new ArrayList<>(plan.batch());
        List<ScheduledSequence> members = plan.members();
        SelfCheck check = pendingCheck;
        if (check != null) batch.add(BatchEntry.lastLogits(checkSequence, check.tokens()));
        long started = System.nanoTime();
        List<float[]> outputs = backend.forward(batch); // per entry: logits, or an embedding's hidden states
        long took = System.nanoTime() - started;
        typicalStepNanos = typicalStepNanos == 0 ? took : (7 * typicalStepNanos + took) / 8;
        if (check != null) {
            // before any token of this step reaches a caller
            pendingCheck = null;
            backend.kvCache().release(checkSequence);
            checkSequence = null;
            try {
                check.verify(outputs.getLast());
            } catch (RuntimeException wrong) {
                throw new CheckFailed(wrong);
            }
        }
        int generated = 0;
        for (int i = 0; i < members.size(); i++) {
            ScheduledSequence s = members.get(i);
            if (s.prefilling()) {
                s.prefilledBy(batch.get(i).tokens().length, outputs.get(i));
                if (s.prefilling()) continue;
                publishComputedPrefix(s);
                if (s.embedding()) { // prefill-only: done once its last chunk is pooled
                    running.remove(s);
                    end(s, null);
                    continue;
                }
            }
            int before = s.decoding.generated();
            try {
                s.decoding.accept(ScheduledSequence.samplingLogits(outputs.get(i), backend.model().config().vocabSize()), s.toCaller);
            } catch (GrammarLimitException | StackOverflowError e) {
                // one sequence's grammar outgrew its bounds: that sequence fails, the replica and the others go on
                running.remove(s);
                end(s, e instanceof GrammarLimitException limit ? limit : new GrammarLimitException("the answer's grammar nests too deeply"));
                continue;
            }
            generated += s.decoding.generated() - before;
            s.sampled();
            if (s.decoding.finished()) {
                running.remove(s);
                end(s, null);
            }
        }
        if (!members.isEmpty()) observer.onStep(members.size(), generated);
    }

    /**
     * Offers the prompt's full blocks this replica computed (not found cached) to the shared tier; not those of a
     * sequence that never reuses a prefix (mean-pooled embeddings, scored prompts), whose kind will not ask for them.
     */
    private void publishComputedPrefix(ScheduledSequence s) {
        if (shared == SharedBlocks.NONE || !s.reusesCachedPrefix()) return;
        KvCache kv = backend.kvCache();
        for (int b = s.cachedTokens() / BlockPool.BLOCK_TOKENS; b < s.prefixHashes.size(); b++) {
            byte[] content = kv.exportCached(s.prefixHashes.get(b));
            if (content != null) shared.publish(s.prefixHashes.get(b), content);
        }
    }

    /** Frees the sequence's KV blocks and tells its caller how it ended. */
    private void end(ScheduledSequence s, RuntimeException error) {
        backend.kvCache().release(s.sequence());
        if (error == null) s.finish();
        else s.fail(error);
    }

    private void failAll(RuntimeException error) {
        for (ScheduledSequence s : running) end(s, error);
        running.clear();
        lock.lock();
        try {
            for (ScheduledSequence s : waiting.drain()) s.fail(error);
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the current step; running and waiting sequences fail with a cancellation. */
    @Override
    public void close() {
        if (Thread.currentThread() == loop) throw new IllegalStateException("the step loop cannot close itself");
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            loop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
