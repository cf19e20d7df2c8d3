package io.hearth.runtime.functions;

import io.hearth.runtime.invoke.InvocationResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;

/**
 * What ops watch per function, on /metrics: {@code hearth_invocations_total{api,function,status}} ({@code api}: {@code fn}
 * for /fn, {@code openai} for a function named as the model at /v1),
 * {@code hearth_invocation_seconds}, {@code hearth_ttft_seconds}, {@code hearth_tokens_in_total} /
 * {@code hearth_tokens_out_total}, and {@code hearth_function_process_exits_total{function,reason}}: java function
 * processes stopped past a timeout, out of memory, or crashed.
 */
@ApplicationScoped
public class RuntimeMetrics {
    /** The invocation API: {@code /fn}. */
    public static final String FN = "fn";
    /** The invocation API: {@code /v1} (OpenAI-compatible). */
    public static final String OPENAI = "openai";

    @Inject
    MetricRegistry registry;

    public void succeeded(InvocationResult r, String api) {
        Tag function = new Tag("function", r.function());
        registry.counter("hearth.invocations", new Tag("api", api), function, new Tag("status", "200")).inc();
        registry.timer("hearth.invocation", function).update(Duration.ofNanos((long) (r.totalMillis() * 1e6)));
        if (r.ttftMillis() >= 0) registry.timer("hearth.ttft", function).update(Duration.ofNanos((long) (r.ttftMillis() * 1e6)));
        registry.counter("hearth.tokens.in", function).inc(r.promptTokens());
        registry.counter("hearth.tokens.out", function).inc(r.completionTokens());
    }

    public void functionProcessEnded(String function, String reason) {
        registry.counter("hearth.function.process.exits", new Tag("function", function), new Tag("reason", reason)).inc();
    }

    public void failed(String function, String api, int status) {
        registry.counter("hearth.invocations", new Tag("api", api), new Tag("function", function), new Tag("status", Integer.toString(status))).inc();
    }
}
