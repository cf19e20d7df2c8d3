package io.hearth.runtime.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * What ops watch of API keys, on /metrics: {@code hearth_api_key_requests_total{key}} (calls let through),
 * {@code hearth_api_key_tokens_total{key}} (tokens counted against quotas) and
 * {@code hearth_api_key_refusals_total{reason}} (unauthenticated, forbidden, rate_limited, quota_exceeded): a rise in
 * 401s is someone guessing, in 429s a client to talk to. Keys are named by their name, which ops chose.
 */
@ApplicationScoped
public class KeyMetrics {
    @Inject
    MetricRegistry registry;

    void admitted(ApiKey key) {
        registry.counter("hearth.api.key.requests", new Tag("key", key.name())).inc();
    }

    void charged(ApiKey key, long tokens) {
        registry.counter("hearth.api.key.tokens", new Tag("key", key.name())).inc(tokens);
    }

    void refused(CallerDeniedException.Reason reason) {
        registry.counter("hearth.api.key.refusals", new Tag("reason", reason.type)).inc();
    }
}
