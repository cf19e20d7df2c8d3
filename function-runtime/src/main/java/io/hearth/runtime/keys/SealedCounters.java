package io.hearth.runtime.keys;

import com.hazelcast.map.IMap;
import io.hearth.pool.prefix.ClusterSeal;

import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * Token use per key and day, kept in the cluster's map with each count sealed ({@link ClusterSeal}), so nobody
 * without the cluster secret can read a key's use or reset it to lift a quota. The compare-and-set operations the
 * quota's reservations rely on compare the stored (sealed) bytes, so they stay atomic across servers. A count that
 * does not open is reported and dropped, as a count of zero would be.
 */
final class SealedCounters extends AbstractMap<String, Long> implements ConcurrentMap<String, Long> {
    private final IMap<String, byte[]> map;
    private final ClusterSeal seal;

    SealedCounters(IMap<String, byte[]> map, ClusterSeal seal) {
        this.map = map;
        this.seal = seal;
    }

    @Override
    public Long get(Object key) {
        return opened((String) key, map.get(key));
    }

    @Override
    public Long putIfAbsent(String key, Long value) {
        while (true) {
            byte[] previous = map.putIfAbsent(key, sealed(key, value));
            if (previous == null) return null;
            Long count = opened(key, previous);
            if (count != null) return count;
            map.remove(key, previous); // a forged count goes; then try again
        }
    }

    @Override
    public boolean replace(String key, Long oldValue, Long newValue) {
        byte[] stored = map.get(key);
        Long count = opened(key, stored);
        if (count == null) {
            if (stored != null) map.remove(key, stored);
            return false;
        }
        return count.equals(oldValue) && map.replace(key, stored, sealed(key, newValue));
    }

    @Override
    public Long replace(String key, Long value) {
        byte[] previous = map.replace(key, sealed(key, value));
        return opened(key, previous);
    }

    @Override
    public boolean remove(Object key, Object value) {
        byte[] stored = map.get(key);
        return Objects.equals(opened((String) key, stored), value) && stored != null && map.remove(key, stored);
    }

    @Override
    public Long put(String key, Long value) {
        return opened(key, map.put(key, sealed(key, value)));
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        Set<Entry<String, Long>> out = new LinkedHashSet<>();
        for (Map.Entry<String, byte[]> e : map.entrySet()) {
            Long count = opened(e.getKey(), e.getValue());
            if (count != null) out.add(Map.entry(e.getKey(), count));
        }
        return out;
    }

    private byte[] sealed(String key, long value) {
        return seal.seal(where(key), ByteBuffer.allocate(Long.BYTES).putLong(value).array());
    }

    private Long opened(String key, byte[] stored) {
        byte[] plain = seal.openOrReport(where(key), stored);
        return plain == null || plain.length != Long.BYTES ? null : ByteBuffer.wrap(plain).getLong();
    }

    private String where(String key) {
        return map.getName() + "/" + key;
    }
}
