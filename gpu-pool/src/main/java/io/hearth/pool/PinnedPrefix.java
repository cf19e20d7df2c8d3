package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;

import java.util.List;

/**
 * A prompt start many calls share (a function's system prompt and the fixed text of its template before the first
 * variable), whose KV blocks every replica of the model computes once and keeps cached while it is pinned.
 *
 * @param messages  the conversation every call begins with; the last message's content goes on in each call
 * @param cacheSalt the prefix-cache scope of the calls (their tenant's), so they find these blocks
 */
public record PinnedPrefix(List<ChatMessage> messages, String cacheSalt) {
    public PinnedPrefix {
        if (messages.isEmpty()) throw new IllegalArgumentException("a pinned prefix needs at least one message");
        messages = List.copyOf(messages);
    }
}
