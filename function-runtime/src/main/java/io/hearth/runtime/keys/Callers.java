package io.hearth.runtime.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.config.Config;

import java.util.logging.Logger;

/**
 * Who calls an invocation, as the resources and the key filter ask it: the accepted key (or an anonymous caller, only
 * with {@code hearth.security.anonymous-invoke}, for local development), its token budget, and refusals counted where
 * ops watch them.
 */
@ApplicationScoped
public class Callers {
    private static final Logger LOG = Logger.getLogger(Callers.class.getName());

    @Inject
    Config config;
    @Inject
    ApiKeys keys;
    @Inject
    KeyMetrics metrics;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (anonymousInvoke()) {
            LOG.warning("hearth.security.anonymous-invoke is true: functions and models can be called without an API key (local development only)");
        }
    }

    public boolean anonymousInvoke() {
        return config.getOptionalValue("hearth.security.anonymous-invoke", Boolean.class).orElse(false);
    }

    /**
     * The key behind a request that reached an invocation resource: null for an anonymous call when anonymous
     * invocation is on, else a refusal. The key filter decides first; this is the resources' own check, so a request
     * the filter did not see is refused rather than let through.
     */
    public ApiKey caller(SecurityContext security) {
        ApiKey key = KeyPrincipal.of(security);
        if (key == null && !anonymousInvoke()) {
            throw refused(new CallerDeniedException(CallerDeniedException.Reason.UNAUTHENTICATED,
                    "an API key is required: send Authorization: Bearer <key> (ops create keys with POST /admin/keys)"));
        }
        return key;
    }

    /** The token budget of a caller's model calls: its key's quota, reserved per call; none for an anonymous call. */
    public TokenBudget budget(ApiKey key) {
        if (key == null) return TokenBudget.UNLIMITED;
        return request -> {
            TokenBudget.Hold hold = keys.reserve(key, TokenBudget.bound(request));
            return used -> {
                hold.settle(used);
                metrics.charged(key, used);
            };
        };
    }

    /** Counts a refusal made outside the key filter (the OpenAI API's model check) and returns it, to throw. */
    public CallerDeniedException refused(CallerDeniedException refusal) {
        metrics.refused(refusal.reason());
        return refusal;
    }
}
