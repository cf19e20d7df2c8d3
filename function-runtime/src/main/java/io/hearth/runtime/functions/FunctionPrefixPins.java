package io.hearth.runtime.functions;

import io.hearth.pool.PinnedPrefix;
import io.hearth.pool.PoolAdmin;
import io.hearth.runtime.deploy.FixedPromptStart;
import io.hearth.runtime.deploy.FunctionManifest;

import java.util.Collection;
import java.util.HashSet;
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
            PinnedPrefix prefix = FixedPromptStart.of(m);
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
}
