package io.hearth.runtime.functions;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.pool.PinnedPrefix;
import io.hearth.pool.PoolAdmin;
import io.hearth.runtime.deploy.FunctionManifest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Keeps the fixed prompt start of every serving prompt function (its system prompt, and its template's text before
 * the first variable) pinned in its model's prefix cache, so even a function's first call skips that prefill; a
 * version that stops serving (undeployed, rolled away from) is unpinned. Keys are function ids ({@code name@version}).
 */
final class FunctionPrefixPins {
    private static final Logger LOG = Logger.getLogger(FunctionPrefixPins.class.getName());

    /** Pinned function ids and the model each is pinned on. */
    private final Map<String, String> pinned = new ConcurrentHashMap<>();

    /** Pins what {@code serving} needs that is not pinned yet, and unpins what none of them needs any more. */
    void apply(Collection<FunctionManifest> serving, PoolAdmin pool) {
        Set<String> wanted = new HashSet<>();
        for (FunctionManifest m : serving) {
            PinnedPrefix prefix = prefixOf(m);
            if (prefix == null) continue;
            wanted.add(m.id());
            if (pinned.containsKey(m.id())) continue;
            try {
                pool.pinPrefix(m.model(), m.id(), prefix);
                pinned.put(m.id(), m.model());
            } catch (RuntimeException e) {
                LOG.warning(() -> "the prompt prefix of " + m.id() + " is not pinned: " + e.getMessage());
            }
        }
        pinned.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey())) return false;
            pool.unpinPrefix(e.getValue(), e.getKey());
            return true;
        });
    }

    /** The conversation every call of a prompt function begins with; null when it has no fixed start. */
    static PinnedPrefix prefixOf(FunctionManifest m) {
        if (m.kind() != FunctionManifest.Kind.PROMPT) return null;
        String fixed = fixedStart(m.template());
        if (m.system() == null && fixed.isEmpty()) return null;
        List<ChatMessage> messages = new ArrayList<>();
        if (m.system() != null) messages.add(new ChatMessage("system", m.system()));
        messages.add(new ChatMessage("user", fixed));
        return new PinnedPrefix(messages, m.cacheSalt());
    }

    /** A Jinja template's text before its first expression, statement or comment: the same in every rendering. */
    static String fixedStart(String template) {
        int end = template.length();
        for (String open : new String[]{"{{", "{%", "{#"}) {
            int at = template.indexOf(open);
            if (at >= 0) end = Math.min(end, at);
        }
        return template.substring(0, end);
    }
}
