package io.hearth.engine.chat;

/**
 * One turn of a conversation: role (system, user, assistant, …) and its text. A role is a plain lowercase word: the
 * chat template writes it into its markup as it is, so one carrying markup of its own would forge a turn.
 */
public record ChatMessage(String role, String content) {
    private static final java.util.regex.Pattern ROLE = java.util.regex.Pattern.compile("[a-z][a-z_]{0,31}");

    public ChatMessage {
        if (role == null || role.isBlank()) throw new IllegalArgumentException("every message needs a role");
        if (!ROLE.matcher(role).matches()) throw new IllegalArgumentException("a message's role is a lowercase word such as user or assistant, got " + role);
        if (content == null) throw new IllegalArgumentException("message of role " + role + " has no content");
    }
}
