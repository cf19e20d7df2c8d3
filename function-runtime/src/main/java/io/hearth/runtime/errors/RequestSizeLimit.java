package io.hearth.runtime.errors;

import io.hearth.runtime.keys.KeyProtected;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.Config;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds the JSON bodies of invocations (the {@link KeyProtected} resources, however their URL is spelled) to {@code hearth.limits.max-body-bytes}
 * (1 MiB): a larger declared length is refused with 413 before anything is read, and a body sent without a length
 * stops being read at the limit. Archives have their own, larger limit (admin deploys).
 */
@Provider
@KeyProtected
public class RequestSizeLimit implements ContainerRequestFilter {
    @Inject
    Config config;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!request.hasEntity()) return;
        long limit = config.getOptionalValue("hearth.limits.max-body-bytes", Long.class).orElse(1L << 20);
        if (request.getLength() > limit) throw tooLarge(limit);
        request.setEntityStream(new Bounded(request.getEntityStream(), limit));
    }

    private static WebApplicationException tooLarge(long limit) {
        return new WebApplicationException("the request body is larger than " + limit + " bytes (hearth.limits.max-body-bytes)",
                Response.status(413).type(MediaType.APPLICATION_JSON_TYPE).build());
    }

    /** Reads at most {@code limit} bytes, then fails the read with the 413 the client should see. */
    private static final class Bounded extends FilterInputStream {
        private final long limit;
        private long read;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) throw tooLarge(limit);
        }
    }
}
