package io.hearth.runtime.keys;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the resources that need an API key (invocation and the OpenAI API). The key filter, the body size limit and
 * the key's limits are bound to the resources themselves, not to a spelling of their URL: whatever path reached a
 * resource ({@code /fn;x/summarize}, {@code //fn/summarize}, {@code /%66n/summarize}), the router chose it, and the
 * filters run. The resources check again that a caller was accepted, so a request that somehow skipped the filter
 * is still refused.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface KeyProtected {
}
