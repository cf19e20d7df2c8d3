package io.hearth.runtime.keys;

import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/**
 * The caller of an invocation made with an API key, as the request's security context names it: the audit log
 * records {@code key:<name>}, and resources find the key to check its scope and charge its tokens.
 */
public record KeyPrincipal(ApiKey key) implements Principal {
    @Override
    public String getName() {
        return "key:" + key.name();
    }

    /** The key behind a request, or null for an anonymous call (only when anonymous invocation is on). */
    public static ApiKey of(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof KeyPrincipal p ? p.key() : null;
    }

    /** The security context a keyed request runs in. */
    SecurityContext context(boolean secure) {
        KeyPrincipal self = this;
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return self;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }
}
