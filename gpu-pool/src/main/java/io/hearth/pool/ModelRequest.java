package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.sample.SamplingParams;

import java.util.List;

/** One model call: either raw prompt text or chat messages (rendered with the model's template), and sampling. */
public record ModelRequest(String prompt, List<ChatMessage> messages, SamplingParams sampling) {
    public ModelRequest {
        if ((prompt == null) == (messages == null)) {
            throw new IllegalArgumentException("give either a prompt or messages");
        }
        if (messages != null && messages.isEmpty()) throw new IllegalArgumentException("messages must not be empty");
        messages = messages == null ? null : List.copyOf(messages);
    }

    public static ModelRequest chat(List<ChatMessage> messages, SamplingParams sampling) {
        return new ModelRequest(null, messages, sampling);
    }

    public static ModelRequest text(String prompt, SamplingParams sampling) {
        return new ModelRequest(prompt, null, sampling);
    }
}
