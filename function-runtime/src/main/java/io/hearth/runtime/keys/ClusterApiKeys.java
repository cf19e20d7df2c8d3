package io.hearth.runtime.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.hearth.pool.prefix.ClusterSeal;

import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The API keys of every server of a Hazelcast cluster, so a key created (or revoked) on one server works (or stops)
 * on all, and a key's token quota counts its use on all. Keys travel as JSON of their stored form (hashes only),
 * sealed with the cluster secret ({@link ClusterSeal}): a key record written by anyone without the secret does not
 * open, and is ignored and reported, so a forged all-access key is accepted nowhere. A revocation is a sealed tombstone
 * in the map, not a removal: a server that was away during it learns it when it joins (instead of offering the key
 * back), and a revoked key's old record, put back by someone who kept it, is refused by every server that knows the
 * tombstone (each keeps the ids it saw revoked). On joining, a server takes the cluster's keys and tombstones, and
 * offers the keys the cluster does not have.
 */
final class ClusterApiKeys implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterApiKeys.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String KEYS = "hearth-api-keys";
    /** What a revoked key's entry holds (sealed like a record). */
    private static final String TOMBSTONE = "{\"revoked\":true}";

    private final IMap<String, byte[]> shared;
    private final ClusterSeal seal;
    private final UUID listener;

    ClusterApiKeys(HazelcastInstance hazelcast, ClusterSeal seal, ApiKeys keys) {
        this.shared = hazelcast.getMap(KEYS);
        this.seal = seal;
        this.listener = shared.addEntryListener(new Listener(keys), true);
        for (Map.Entry<String, byte[]> e : shared.entrySet()) adopt(keys, e.getKey(), e.getValue());
        for (ApiKey k : keys.list()) {
            if (!shared.containsKey(k.id())) publish(k);
        }
        for (String id : keys.revokedIds()) {
            if (!shared.containsKey(id)) revokeEverywhere(id);
        }
        keys.countUsageIn(new SealedCounters(hazelcast.getMap("hearth-api-key-usage"), seal));
        keys.onChange(id -> {
            ApiKey k = keys.get(id);
            if (k != null) publish(k);
            else revokeEverywhere(id);
        });
    }

    private void publish(ApiKey key) {
        try {
            shared.put(key.id(), seal.sealText(KEYS + "/" + key.id(), JSON.writeValueAsString(key)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(Level.WARNING, "API key " + key.name() + " is not shared with the cluster (it works here): " + e.getMessage(), e);
        }
    }

    private void revokeEverywhere(String id) {
        try {
            shared.put(id, seal.sealText(KEYS + "/" + id, TOMBSTONE));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the revocation of API key " + id + " is not shared with the cluster (it holds here): " + e.getMessage(), e);
        }
    }

    /**
     * What the cluster holds under {@code id}: a tombstone revokes the key here; a key record is taken only when it opens
     * under the secret, is the key of that id, and that key was never revoked (a replayed record is reported).
     */
    private void adopt(ApiKeys keys, String id, byte[] sealed) {
        String json = seal.openText(KEYS + "/" + id, sealed);
        if (json == null) return;
        if (json.equals(TOMBSTONE)) {
            keys.forget(id);
            return;
        }
        try {
            ApiKey key = JSON.readValue(json, ApiKey.class);
            if (key.id().equals(id) && !keys.adopt(key)) {
                LOG.warning(() -> "the cluster offers API key " + id + " again, which was revoked: refused (a replayed record?)");
                revokeEverywhere(id);
            }
        } catch (JsonProcessingException e) {
            LOG.warning(() -> "an API key from the cluster cannot be read: " + e.getMessage());
        }
    }

    private final class Listener implements EntryAddedListener<String, byte[]>, EntryUpdatedListener<String, byte[]>,
            EntryRemovedListener<String, byte[]> {
        private final ApiKeys keys;

        Listener(ApiKeys keys) {
            this.keys = keys;
        }

        @Override
        public void entryAdded(EntryEvent<String, byte[]> e) {
            adopt(keys, e.getKey(), e.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, byte[]> e) {
            adopt(keys, e.getKey(), e.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, byte[]> e) {
            // revocations are tombstones: a removal is someone else's doing, and stops the key here (denial, never access)
            keys.forget(e.getKey());
        }
    }

    @Override
    public void close() {
        try {
            shared.removeEntryListener(listener);
        } catch (RuntimeException e) {
            LOG.fine(() -> "the cluster went first: " + e.getMessage());
        }
    }
}
