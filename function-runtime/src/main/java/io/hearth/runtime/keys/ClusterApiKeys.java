package io.hearth.runtime.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The API keys of every server of a Hazelcast cluster, so a key created (or revoked) on one server works (or stops)
 * on all, and a key's token quota counts its use on all. Keys travel as JSON of their stored form (hashes only); on
 * joining, a server takes the cluster's keys and offers those the cluster does not have.
 */
final class ClusterApiKeys implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterApiKeys.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IMap<String, String> shared;
    private final UUID listener;

    ClusterApiKeys(HazelcastInstance hazelcast, ApiKeys keys) {
        this.shared = hazelcast.getMap("hearth-api-keys");
        this.listener = shared.addEntryListener(new Listener(keys), true);
        for (Map.Entry<String, String> e : shared.entrySet()) adopt(keys, e.getValue());
        for (ApiKey k : keys.list()) {
            if (!shared.containsKey(k.id())) publish(k);
        }
        keys.countUsageIn(hazelcast.getMap("hearth-api-key-usage"));
        keys.onChange(id -> {
            ApiKey k = keys.get(id);
            if (k != null) publish(k);
            else shared.remove(id);
        });
    }

    private void publish(ApiKey key) {
        try {
            shared.put(key.id(), JSON.writeValueAsString(key));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(Level.WARNING, "API key " + key.name() + " is not shared with the cluster (it works here): " + e.getMessage(), e);
        }
    }

    private static void adopt(ApiKeys keys, String json) {
        try {
            keys.adopt(JSON.readValue(json, ApiKey.class));
        } catch (JsonProcessingException e) {
            LOG.warning(() -> "an API key from the cluster cannot be read: " + e.getMessage());
        }
    }

    private record Listener(ApiKeys keys) implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            adopt(keys, e.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) {
            adopt(keys, e.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> e) {
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
