package io.hearth.runtime.deploy;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.pool.PinnedPrefix;

import java.util.ArrayList;
import java.util.List;

/**
 * The start every call of a prompt function shares, whoever calls: its system prompt and its template's text before
 * the first variable. It is pinned in the prefix cache, and it is the part of a call whose cached blocks callers of
 * different tenants share.
 */
public final class FixedPromptStart {
    private FixedPromptStart() {
    }

    /** The conversation every call of a prompt function begins with; null when it has no fixed start. */
    public static PinnedPrefix of(FunctionManifest m) {
        if (m.kind() != FunctionManifest.Kind.PROMPT) return null;
        String fixed = fixedStart(m.template());
        if (m.system() == null && fixed.isEmpty()) return null;
        List<ChatMessage> messages = new ArrayList<>();
        if (m.system() != null) messages.add(new ChatMessage("system", m.system()));
        messages.add(new ChatMessage("user", fixed));
        return new PinnedPrefix(messages, m.cacheSalt());
    }

    /** The conversation every call of the function begins with, whoever calls; empty when nothing is fixed. */
    public static List<ChatMessage> messagesOf(FunctionManifest m) {
        PinnedPrefix fixed = of(m);
        return fixed == null ? List.of() : fixed.messages();
    }

    /** A Jinja template's text before its first expression, statement or comment: the same in every rendering. */
    public static String fixedStart(String template) {
        int end = template.length();
        for (String open : new String[]{"{{", "{%", "{#"}) {
            int at = template.indexOf(open);
            if (at >= 0) end = Math.min(end, at);
        }
        return template.substring(0, end);
    }
}
