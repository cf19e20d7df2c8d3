package io.hearth.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequences waiting for a replica's batch: first-in-first-out for each caller (a function, or the OpenAI API),
 * and callers taken in turn, so one function that floods a shared model delays its own requests, not the others'.
 * Not thread-safe: the scheduler guards it with its lock.
 */
final class FairQueue {
    /** Callers with waiting sequences, in the order their turn comes (the head's caller goes to the back when served). */
    private final LinkedHashMap<String, ArrayDeque<ScheduledSequence>> byCaller = new LinkedHashMap<>();
    private int size;

    void add(ScheduledSequence s) {
        byCaller.computeIfAbsent(s.caller, c -> new ArrayDeque<>()).addLast(s);
        size++;
    }

    /** The sequence whose turn it is, or null. */
    ScheduledSequence peek() {
        Iterator<ArrayDeque<ScheduledSequence>> first = byCaller.values().iterator();
        return first.hasNext() ? first.next().peekFirst() : null;
    }

    /** Removes the sequence whose turn it is; its caller's next one waits for the other callers' turns. */
    ScheduledSequence poll() {
        Iterator<Map.Entry<String, ArrayDeque<ScheduledSequence>>> first = byCaller.entrySet().iterator();
        if (!first.hasNext()) return null;
        Map.Entry<String, ArrayDeque<ScheduledSequence>> entry = first.next();
        first.remove();
        ScheduledSequence s = entry.getValue().pollFirst();
        if (!entry.getValue().isEmpty()) byCaller.put(entry.getKey(), entry.getValue());
        size--;
        return s;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Empties the queue, returning what waited. */
    List<ScheduledSequence> drain() {
        List<ScheduledSequence> all = new ArrayList<>(size);
        byCaller.values().forEach(all::addAll);
        byCaller.clear();
        size = 0;
        return all;
    }
}
