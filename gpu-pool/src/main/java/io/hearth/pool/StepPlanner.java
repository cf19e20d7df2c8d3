package io.hearth.pool;

import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.kv.BlockPool;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.KvCacheFullException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * What a replica's next step runs, decided apart from running it ({@link Scheduler}): which waiting sequences are
 * admitted (callers in turn, while the batch has room and the KV cache can hold each one's prompt and answer), and
 * what each running sequence contributes to the step (a prefill chunk within the step's prefill budget, or its next
 * token).
 */
final class StepPlanner {
    /** A step to run: the batch's entries and the sequence each belongs to, in the same order. */
    record Plan(List<BatchEntry> batch, List<ScheduledSequence> members) {
    }

    private final int maxBatch;

    StepPlanner(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /**
     * Moves waiting sequences into {@code running} while the batch and the KV cache have room: a sequence's prefix
     * fetched from the shared tier is imported, its cached prefix attached, and its prompt and answer reserved. One
     * that could never fit, even alone, fails; one that does not fit now waits for room. Cancelled ones fail.
     */
    void admit(FairQueue waiting, List<ScheduledSequence> running, KvCache kv) {
        while (!waiting.isEmpty() && running.size() < maxBatch) {
            ScheduledSequence s = waiting.peek();
            if (s.cancelled()) {
                waiting.poll();
                s.fail(new CancellationException("cancelled while waiting"));
                continue;
            }
            int imported = 0;
            List<byte[]> fetched = s.takeFetched(); // none for a sequence that does not reuse cached blocks
            for (int i = 0; i < fetched.size(); i++) {
                if (kv.importCached(s.prefixHashes.get(s.fetchedFrom() + i), fetched.get(i))) imported++;
            }
            long need = (long) s.prompt.length + s.answerTokens();
            long capacity = (long) kv.pool().capacity() * BlockPool.BLOCK_TOKENS;
            if (need > capacity) { // never fits, even alone: refused now, not after the replica drained for it
                waiting.poll();
                s.fail(new PromptTooLongException(s.prompt.length, (int) Math.max(0, capacity - s.answerTokens())));
                continue;
            }
            var sequence = kv.newSequence(s.cacheScope);
            int cached = s.reusesCachedPrefix() ? kv.attachCachedPrefix(sequence, s.prompt, s.prefixHashes) : 0;
            try {
                kv.reserve(sequence, s.prompt.length - cached + s.answerTokens());
            } catch (KvCacheFullException full) {
                kv.release(sequence);
                if (running.isEmpty()) { // even an empty replica cannot hold it: it can never run here
                    waiting.poll();
                    s.fail(full);
                    continue;
                }
                return;
            }
            waiting.poll();
            // imports follow the blocks cached here when they were looked up; those attached came from the shared tier
            int cachedBlocks = cached / BlockPool.BLOCK_TOKENS;
            int shared = Math.min(imported, Math.max(0, cachedBlocks - s.fetchedFrom()));
            s.admitted(sequence, cached, new PrefixReuse(cachedBlocks - shared, shared, s.prefixHashes.size() - cachedBlocks));
            running.add(s);
        }
    }

    /**
     * The next step of {@code running}: prefill chunks share {@link Generator#PREFILL_CHUNK} tokens (each asking for
     * its sequence's {@link ScheduledSequence#prefillOutput}); decoding sequences add one token each.
     */
    Plan plan(List<ScheduledSequence> running) {
        List<BatchEntry> batch = new ArrayList<>(running.size());
        List<ScheduledSequence> members = new ArrayList<>(running.size());
        int prefillBudget = Generator.PREFILL_CHUNK;
        for (ScheduledSequence s : running) {
            if (s.prefilling()) {
                int[] chunk = s.nextPrefill(Math.min(prefillBudget, s.prefillLimit()));
                if (chunk.length == 0) continue;
                batch.add(new BatchEntry(s.sequence(), chunk, s.prefillOutput()));
                prefillBudget -= chunk.length;
            } else {
                batch.add(BatchEntry.lastLogits(s.sequence(), s.decoding.lastToken()));
            }
            members.add(s);
        }
        return new Plan(batch, members);
    }
}
