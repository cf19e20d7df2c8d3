package io.hearth.pool;

import io.hearth.engine.model.Model;

/**
 * How a model's replicas come to be: the model's card (its header, read once it is on disk), a download first for a
 * model fetched by URL, the device memory reserved before a load, the load itself (weights from the host tier when
 * they are still mapped, else the file), and the self-check every new replica passes against the first one's probe.
 * Its progress (download and load percent) is read by callers held for the load. The pool decides when to load and
 * what becomes of a loaded replica; this class only loads.
 */
final class ReplicaLoading {
    private static final float PROBE_TOLERANCE = 1e-3f;

    private final String model;
    private final DeviceMemory memory;
    private final ModelDownloader downloader;
    private volatile ModelCard card;
    private volatile int loadingPercent = -1;
    private volatile int downloadPercent = -1;
    /** Device memory reserved for the load under way, handed to its replica (or released) when it ends. */
    private long reservation;
    private float[] firstProbe;

    ReplicaLoading(ModelSpec spec, ModelCard card, DeviceMemory memory) {
        this.model = spec.id();
        this.card = card;
        this.memory = memory;
        this.downloader = spec.download() == null ? null : new ModelDownloader(spec.id(), spec.download(), spec.source());
    }

    /** The model's card; null while a model fetched by URL was not downloaded yet. */
    ModelCard card() {
        return card;
    }

    ModelDownloader downloader() {
        return downloader;
    }

    int loadingPercent() {
        return loadingPercent;
    }

    int downloadPercent() {
        return downloadPercent;
    }

    /** A load begins: a download (when the file is not there yet) reports its own progress first. */
    void begin(boolean fetchFirst) {
        loadingPercent = fetchFirst ? -1 : 0;
        downloadPercent = -1;
    }

    /** Reserves device memory for the load about to run; a ModelUnavailableException says why it does not fit. */
    synchronized void reserve(ModelSpec loadSpec) {
        long bytes = card.replicaBytes(loadSpec.kvTokens(), memory.device());
        memory.reserve(bytes, "a replica of model '" + model + "'");
        reservation = bytes;
    }

    /** The reservation of the load that just ended, for its replica to hold (or to release when it failed). */
    synchronized long takeReservation() {
        long bytes = reservation;
        reservation = 0;
        loadingPercent = -1;
        return bytes;
    }

    /** Downloads the model's file (on a loader thread), reads its header, and reserves memory for it. */
    void fetch(ModelSpec loadSpec) {
        downloadPercent = 0;
        try {
            downloader.fetch(percent -> downloadPercent = percent);
            downloadPercent = 100; // stays for callers polling after the last chunk, until the next load
        } catch (RuntimeException e) {
            downloadPercent = -1;
            throw e;
        }
        card = ModelCard.read(loadSpec);
        reserve(loadSpec);
        loadingPercent = 0;
    }

    /** Loads replica {@code number}, its weights from {@code kept} when the host tier still held them mapped (else null). */
    Replica load(int number, ModelSpec loadSpec, Model kept) {
        return Replica.load(number, loadSpec, memory.device(), percent -> loadingPercent = percent, kept);
    }

    /** The first replica's probe is the reference; a later one that differs fails its load (the file changed, or memory rotted). */
    synchronized void verify(Replica r, float[] probe) {
        if (firstProbe == null) firstProbe = probe;
        for (int i = 0; i < probe.length; i++) {
            if (!(Math.abs(probe[i] - firstProbe[i]) <= PROBE_TOLERANCE * Math.max(1, Math.abs(firstProbe[i])))) {
                throw new ModelUnavailableException("model '" + model + "' failed to load: replica " + r.number + " self-check failed: logit "
                        + i + " is " + probe[i] + " where the first load gave " + firstProbe[i] + " (the file changed or memory is corrupt)", true);
            }
        }
    }

    /** How many replicas of the model the device could hold if it held nothing else; unbounded while its size is unknown. */
    int replicasThatFit(int kvTokens) {
        ModelCard known = card;
        if (known == null) return Integer.MAX_VALUE;
        long bytes = Math.max(1, known.replicaBytes(kvTokens, memory.device()));
        return (int) Math.min(Integer.MAX_VALUE, memory.capacity() / bytes);
    }

    /** Bytes one replica needs; 0 while the model's size is unknown. */
    long replicaBytes(int kvTokens) {
        ModelCard known = card;
        return known == null ? 0 : known.replicaBytes(kvTokens, memory.device());
    }
}
