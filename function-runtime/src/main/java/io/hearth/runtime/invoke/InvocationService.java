package io.hearth.runtime.invoke;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tools.ToolUse;
import io.hearth.pool.LoadProgress;
import io.hearth.runtime.audit.AuditedInvocation;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.errors.ErrorMapper;
import io.hearth.runtime.functions.RuntimeMetrics;
import io.hearth.runtime.keys.ApiKey;
import io.hearth.runtime.keys.ApiKeyFilter;
import io.hearth.runtime.keys.Callers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one path of an invocation, whichever API it came through ({@code /fn} or a prompt function named as the model at
 * {@code /v1}): resolve the version → authorize the caller's key for it → run it on the invoker's path (admission,
 * guards, rendering or the caller's conversation, guarded model calls charged to the key's budget, output guards) →
 * count it (with the API it came through) → record it for the audit. The resources only translate HTTP to and from it.
 */
@ApplicationScoped
public class InvocationService {
    @Inject
    FunctionRegistry registry;
    @Inject
    FunctionInvoker invoker;
    @Inject
    Callers callers;
    @Inject
    RuntimeMetrics metrics;
    @Inject
    AuditedInvocation audited;

    /** How a call wants its answer: its generated text as it comes, its cold start's progress, its keep-alive hint. */
    public record Delivery(TokenListener listener, LoadProgress progress, Duration keepAlive) {
        public static Delivery whole(Duration keepAlive) {
            return new Delivery(TokenListener.NONE, LoadProgress.NONE, keepAlive);
        }
    }

    /** The version {@code reference} names ({@code name} or {@code name@version}), counted as a failure of {@code api} if there is none. */
    public FunctionRegistry.Deployed resolve(String reference, String api) {
        return counted(FunctionRegistry.nameOf(reference), api, () -> registry.resolve(reference));
    }

    /** Runs a deployed function on a caller's input ({@code /fn}). */
    public InvocationResult invoke(ApiKey key, FunctionRegistry.Deployed deployed, Map<String, Object> input, Delivery delivery) {
        authorize(key, deployed);
        return recorded(counted(deployed.manifest().name(), RuntimeMetrics.FN,
                () -> invoker.invoke(deployed, input, delivery.listener(), options(key, delivery))));
    }

    /** Runs a prompt function on a caller's conversation ({@code /v1/chat/completions} naming the function). */
    public InvocationResult converse(ApiKey key, FunctionRegistry.Deployed deployed, List<ChatMessage> messages, SamplingParams sampling,
                                     ToolUse tools, Delivery delivery) {
        authorize(key, deployed);
        return recorded(counted(deployed.manifest().name(), RuntimeMetrics.OPENAI,
                () -> invoker.converse(deployed, messages, sampling, tools, delivery.listener(), options(key, delivery))));
    }

    /** The resource's filter checked the key against what the router dispatched to; this holds for the resolved version too. */
    private void authorize(ApiKey key, FunctionRegistry.Deployed deployed) {
        String name = deployed.manifest().name();
        if (key != null && !key.mayCall(name)) throw callers.refused(ApiKeyFilter.forbidden(key, name));
    }

    private InvocationOptions options(ApiKey key, Delivery delivery) {
        return new InvocationOptions(delivery.progress(), delivery.keepAlive(), key == null ? null : key.tenant(), callers.budget(key));
    }

    /**
     * Records the invocation for the request's audit entry. A streamed answer's entry was written when its stream
     * opened, before the invocation ran: recording then changes nothing, and off the request's thread there is no
     * request scope to record in.
     */
    private InvocationResult recorded(InvocationResult result) {
        try {
            audited.record(result);
        } catch (ContextNotActiveException offTheRequestsThread) {
            // the stream's entry is written already
        }
        return result;
    }

    /** Runs a step of an invocation, counting it under {@code api}: a failure under the status it will be answered with. */
    private <T> T counted(String function, String api, Supplier<T> step) {
        try {
            T value = step.get();
            if (value instanceof InvocationResult r) metrics.succeeded(r, api);
            return value;
        } catch (RuntimeException e) {
            // only deployed functions get a series of their own: a name made up by a caller must not add one
            String label = registry.names().contains(function) ? function : "unknown";
            metrics.failed(label, api, ErrorMapper.classify(e).status());
            throw e;
        }
    }
}
