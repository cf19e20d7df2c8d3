package io.hearth.runtime.admin;

import io.hearth.runtime.keys.KeyMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import java.util.Map;

/**
 * {@code GET /admin/metrics}: the metrics that name API keys, in Prometheus' text format, for a scrape job with the
 * admin login ({@code basic_auth}); the public {@code /metrics} has none of them.
 */
@AdminOnly
@Path("/admin/metrics")
@ApplicationScoped
public class AdminMetricsResource {
    @Inject
    KeyMetrics metrics;

    @GET
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String scrape() {
        StringBuilder out = new StringBuilder();
        counter(out, "hearth_api_key_requests_total", "Calls an API key was let through for", metrics.requestsByKey());
        counter(out, "hearth_api_key_tokens_total", "Tokens counted against an API key's quota", metrics.tokensByKey());
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, Long> byKey) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        byKey.forEach((key, value) -> out.append(name).append("{key=\"").append(escaped(key)).append("\"} ").append(value).append('\n'));
    }

    /** Key names are letters, digits, '.', '_' and '-' (KeyRequest), but a label value is escaped all the same. */
    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
