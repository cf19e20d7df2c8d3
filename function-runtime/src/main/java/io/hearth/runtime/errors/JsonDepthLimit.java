package io.hearth.runtime.errors;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.eclipse.microprofile.config.Config;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Refuses JSON bodies nested deeper than {@code hearth.limits.max-json-depth} (64) with a 400 before any parser
 * descends into them: no input or model call needs more, and a parser walking a body of a million brackets spends
 * its stack and time on nothing. Counts brackets outside strings, in one pass over the (size-limited) body.
 */
@Provider
public class JsonDepthLimit implements ReaderInterceptor {
    @Inject
    Config config;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (context.getMediaType() == null || !context.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE)) return context.proceed();
        byte[] body = context.getInputStream().readAllBytes();
        int limit = config.getOptionalValue("hearth.limits.max-json-depth", Integer.class).orElse(64);
        if (depth(body) > limit) {
            throw new BadRequestException("the request body nests deeper than " + limit + " levels (hearth.limits.max-json-depth)");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /** The deepest nesting of arrays and objects in {@code json}, brackets inside strings not counted. */
    static int depth(byte[] json) {
        int depth = 0, deepest = 0;
        boolean inString = false, escaped = false;
        for (byte b : json) {
            if (inString) {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            } else if (b == '"') {
                inString = true;
            } else if (b == '[' || b == '{') {
                deepest = Math.max(deepest, ++depth);
            } else if (b == ']' || b == '}') {
                depth--;
            }
        }
        return deepest;
    }
}
