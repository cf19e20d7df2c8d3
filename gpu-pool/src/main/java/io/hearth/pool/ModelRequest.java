package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tools.ToolUse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One model call: raw prompt text, the prompt's token ids, or chat messages (rendered with the model's template),
 * and sampling (null for an embedding, which samples nothing).
 *
 * @param maxPromptTokens refuse prompts longer than this (0: only the model's context limits them)
 * @param deadline        when the call is cancelled if it has not finished, waiting included (null: never)
 * @param keepAlive       how long the caller would like the replica kept warm after this call (null: the model's
 *                        idle-timeout); honoured only within the bounds ops set for the model
 * @param caller          who asks (a function's name; the API): callers sharing a model are admitted in turn
 * @param cacheSalt       the prefix-cache scope (a tenant's salt): only requests with the same salt reuse each other's
 *                        KV blocks, locally and across the cluster (null: the scope of every request without one)
 * @param tenant          the caller's tenant within that scope: beyond its public start, the call's blocks are its own
 *                        (null: the call shares the whole scope)
 * @param tools           tools the model may call (chat only), shown to it through its template and enforced by a
 *                        grammar in its family's call syntax (null: none)
 */
public record ModelRequest(String prompt, List<ChatMessage> messages, SamplingParams sampling, int maxPromptTokens,
                           Instant deadline, Duration keepAlive, String caller, String cacheSalt,
                           TenantScope tenant, ToolUse tools, int[] tokens) {
    public static final String ANONYMOUS = "anonymous";

    public ModelRequest {
        if ((prompt != null ? 1 : 0) + (messages != null ? 1 : 0) + (tokens != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("give one of a prompt, its token ids or messages");
        }
        if (tokens != null && tokens.length == 0) throw new IllegalArgumentException("the prompt's token ids must not be empty");
        tokens = tokens == null ? null : tokens.clone();
        if (messages != null && messages.isEmpty()) throw new IllegalArgumentException("messages must not be empty");
        messages = messages == null ? null : List.copyOf(messages);
        if (caller == null) caller = ANONYMOUS;
        if (tools != null && messages == null) throw new IllegalArgumentException("tools need chat messages, not a raw prompt");
        if (tools != null && !tools.active()) tools = null;
    }

    public ModelRequest withSampling(SamplingParams how) {
        return new ModelRequest(prompt, messages, how, maxPromptTokens, deadline, keepAlive, caller, cacheSalt, tenant, tools, tokens);
    }

    public ModelRequest withMaxPromptTokens(int limit) {
        return new ModelRequest(prompt, messages, sampling, limit, deadline, keepAlive, caller, cacheSalt, tenant, tools, tokens);
    }

    public ModelRequest withDeadline(Instant when) {
        return new ModelRequest(prompt, messages, sampling, maxPromptTokens, when, keepAlive, caller, cacheSalt, tenant, tools, tokens);
    }

    public ModelRequest withKeepAlive(Duration hint) {
        return new ModelRequest(prompt, messages, sampling, maxPromptTokens, deadline, hint, caller, cacheSalt, tenant, tools, tokens);
    }

    public ModelRequest withCaller(String who) {
        return new ModelRequest(prompt, messages, sampling, maxPromptTokens, deadline, keepAlive, who, cacheSalt, tenant, tools, tokens);
    }

    public ModelRequest withCacheSalt(String salt) {
        return new ModelRequest(prompt, messages, sampling, maxPromptTokens, deadline, keepAlive, caller, salt, tenant, tools, tokens);
    }

    public ModelRequest withTenant(TenantScope scope) {
        return new ModelRequest(prompt, messages, sampling, maxPromptTokens, deadline, keepAlive, caller, cacheSalt, scope, tools, tokens);
    }

    public ModelRequest withTools(ToolUse use) {
        return new ModelRequest(prompt, messages, sampling, maxPromptTokens, deadline, keepAlive, caller, cacheSalt, tenant, use, tokens);
    }

    public static ModelRequest chat(List<ChatMessage> messages, SamplingParams sampling) {
        return new ModelRequest(null, messages, sampling, 0, null, null, null, null, null, null, null);
    }

    /** A raw prompt given as the model's token ids (each checked against the vocabulary when it runs). */
    public static ModelRequest tokens(int[] prompt, SamplingParams sampling) {
        return new ModelRequest(null, null, sampling, 0, null, null, null, null, null, null, prompt);
    }

    /** A text to embed (tokenized as the caller's text: control-token syntax in it stays text); no sampling. */
    public static ModelRequest embedding(String text) {
        return new ModelRequest(text, null, null, 0, null, null, null, null, null, null, null);
    }

    /** Token ids to embed (each checked against the vocabulary when it runs); no sampling. */
    public static ModelRequest embedding(int[] tokens) {
        return new ModelRequest(null, null, null, 0, null, null, null, null, null, null, tokens);
    }

    public static ModelRequest text(String prompt, SamplingParams sampling) {
        return new ModelRequest(prompt, null, sampling, 0, null, null, null, null, null, null, null);
    }
}
