package io.hearth.engine.chat;

/** One turn of a conversation: role (system, user, assistant, …) and its text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        if (role == null || role.isBlank()) throw new IllegalArgumentException("every message needs a role");
        if (content == null) throw new IllegalArgumentException("message of role " + role + " has no content");
    }
}
