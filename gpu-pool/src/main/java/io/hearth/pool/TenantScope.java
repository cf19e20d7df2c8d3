package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;

import java.util.List;

/**
 * The caller's tenant (an API key's), for the prefix cache: the KV blocks of a call are reused only by calls of the
 * same tenant, except those wholly inside {@code publicPrefix} (a function's fixed prompt start, the same for every
 * caller), which every caller of the function shares, so a tenant still skips the function's pinned system prompt.
 *
 * @param tenant       the tenant's name
 * @param publicPrefix the conversation every call of the function begins with ({@link PinnedPrefix#messages()});
 *                     empty when nothing is public
 */
public record TenantScope(String tenant, List<ChatMessage> publicPrefix) {
    public TenantScope {
        if (tenant == null || tenant.isEmpty()) throw new IllegalArgumentException("a tenant scope needs a tenant");
        publicPrefix = List.copyOf(publicPrefix);
    }
}
