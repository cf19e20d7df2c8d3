package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.sample.SamplingParams;

import java.util.List;

/**
 * One model call: either raw prompt text or chat messages (rendered with the model's template), and sampling.
 *
 * @param maxPromptTokens refuse prompts longer than this (0: only the model's context limits them)
 */
public record ModelRequest(String prompt, List<ChatMessage> messages, SamplingParams sampling, int maxPromptTokens) {
    public ModelRequest {
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("give either a prompt or messages");
        }
        if (messages != null && messages.isEmpty()) throw new IllegalArgumentException("messages must not be empty");
        messages = messages == null ? null : List.copyOf(messages);
    }

    public ModelRequest withMaxPromptTokens(int limit) {
        return new ModelRequest(prompt, messages, sampling, limit);
    }

    public static ModelRequest chat(List<ChatMessage> messages, SamplingParams sampling) {
        return new ModelRequest(null, messages, sampling, 0);
    }

    public static ModelRequest text(String prompt, SamplingParams sampling) {
        return new ModelRequest(prompt, null, sampling, 0);
    }
}
