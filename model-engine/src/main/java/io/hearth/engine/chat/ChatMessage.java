package io.hearth.engine.chat;

import io.hearth.engine.tools.ToolCall;

import java.util.List;

/**
 * One turn of a conversation: role (system, user, assistant, tool, …) and its text; an assistant turn may carry the
 * tool calls it made (its text then may be null), a tool turn the id of the call it answers. A role is a plain
 * lowercase word: the chat template writes it into its markup as it is, so one carrying markup of its own would
 * forge a turn.
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
    private static final java.util.regex.Pattern ROLE = java.util.regex.Pattern.compile("[a-z][a-z_]{0,31}");

    public ChatMessage {
        if (role == null || role.isBlank()) throw new IllegalArgumentException("every message needs a role");
        if (!ROLE.matcher(role).matches()) throw new IllegalArgumentException("a message's role is a lowercase word such as user or assistant, got " + role);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (content == null && toolCalls.isEmpty()) throw new IllegalArgumentException("message of role " + role + " has no content");
        if (toolCallId != null && !toolCallId.matches("[A-Za-z0-9_.:-]{1,128}")) {
            throw new IllegalArgumentException("tool_call_id must be 1 to 128 letters, digits, '_', '.', ':' or '-'");
        }
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }
}
