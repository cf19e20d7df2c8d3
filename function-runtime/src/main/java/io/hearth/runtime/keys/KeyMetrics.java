package io.hearth.runtime.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What ops watch of API keys. On the public {@code /metrics}: {@code hearth_api_key_refusals_total{reason}}
 * (unauthenticated, forbidden, rate_limited, quota_exceeded): a rise in 401s is someone guessing, in 429s a client to
 * talk to. Per key ({@code hearth_api_key_requests_total{key}}, {@code hearth_api_key_tokens_total{key}}): only at
 * {@code /admin/metrics}, behind the admin login, since key names and their use are not for anyone who can reach the
 * port. Keys are named by their name, which ops chose; a revoked key's series stays until the server restarts.
 */
@ApplicationScoped
public class KeyMetrics {
    @Inject
    MetricRegistry registry;

    private final ConcurrentMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> tokens = new ConcurrentHashMap<>();

    void admitted(ApiKey key) {
        requests.computeIfAbsent(key.name(), k -> new LongAdder()).increment();
    }

    void charged(ApiKey key, long used) {
        tokens.computeIfAbsent(key.name(), k -> new LongAdder()).add(used);
    }

    void refused(CallerDeniedException.Reason reason) {
        registry.counter("hearth.api.key.refusals", new Tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))).inc();
    }

    /** Calls let through, per key name. */
    public Map<String, Long> requestsByKey() {
        return snapshot(requests);
    }

    /** Tokens counted against quotas, per key name. */
    public Map<String, Long> tokensByKey() {
        return snapshot(tokens);
    }

    private static Map<String, Long> snapshot(ConcurrentMap<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
