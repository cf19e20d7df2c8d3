package io.hearth.runtime.functions;

import io.hearth.engine.generate.GenerationResult;
import io.hearth.runtime.invoke.InvocationResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;

/**
 * What ops watch per function, on /metrics: {@code hearth_invocations_total{api,function,status}} ({@code api}: {@code fn}
 * for /fn, {@code openai} for /v1: a function named as the model, or {@code model:<id>} for a model called by name),
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
        served(api, r.function(), r.totalMillis(), r.ttftMillis(), r.promptTokens(), r.completionTokens(), r.queueMillis());
    }

    /**
     * A model called by name through the OpenAI API (no function): counted as {@code function="model:<id>"}, so the
     * calls that skip functions are there for ops too.
     */
    public void modelCalled(String model, GenerationResult r, double totalMillis, double ttftMillis) {
        served(OPENAI, "model:" + model, totalMillis, ttftMillis, r.promptTokens(), r.tokens().length, 0);
    }

    /** A further choice of a model call (n above 1): its answer's tokens; the call and its prompt were counted with the first. */
    public void choiceGenerated(String model, GenerationResult r) {
        registry.counter("hearth.tokens.out", new Tag("api", OPENAI), new Tag("function", "model:" + model)).inc(r.tokens().length);
    }

    /** Embeddings of a model called through the OpenAI API: counted as a model call whose prompt tokens are the inputs'. */
    public void modelEmbedded(String model, int promptTokens, double totalMillis, double queueMillis) {
        served(OPENAI, "model:" + model, totalMillis, -1, promptTokens, 0, queueMillis);
    }

    /**
     * A call answered: counted, its tokens, and the latencies ops compute percentiles of across servers, as Prometheus
     * histograms (buckets in server.xml's {@code mp.metrics.distribution.timer.buckets}): end to end, to the first
     * token, per output token after it, and waiting for a replica.
     */
    private void served(String api, String name, double totalMillis, double ttftMillis, int promptTokens, int completionTokens, double queueMillis) {
        Tag a = new Tag("api", api), function = new Tag("function", name);
        registry.counter("hearth.invocations", a, function, new Tag("status", "200")).inc();
        registry.counter("hearth.tokens.in", a, function).inc(promptTokens);
        registry.counter("hearth.tokens.out", a, function).inc(completionTokens);
        registry.timer("hearth.invocation", a, function).update(millis(totalMillis));
        if (ttftMillis >= 0) {
            registry.timer("hearth.ttft", a, function).update(millis(ttftMillis));
            if (completionTokens > 1) {
                registry.timer("hearth.time.per.output.token", a, function).update(millis((totalMillis - ttftMillis) / (completionTokens - 1)));
            }
        }
        registry.timer("hearth.invocation.queue", a, function).update(millis(queueMillis));
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos((long) (Math.max(0, ms) * 1e6));
    }

    public void functionProcessEnded(String function, String reason) {
        registry.counter("hearth.function.process.exits", new Tag("function", function), new Tag("reason", reason)).inc();
    }

    /** A failed invocation (or model call), under the status it was answered with. */
    public void failed(String function, String api, int status) {
        registry.counter("hearth.invocations", new Tag("api", api), new Tag("function", function), new Tag("status", Integer.toString(status))).inc();
    }
}
