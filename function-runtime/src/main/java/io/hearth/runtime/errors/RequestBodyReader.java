package io.hearth.runtime.errors;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.IOException;

/**
 * Marks failures to parse a request body as the client's (400): JSON-B throws the same exception type for a body
 * that does not parse and for a response that does not serialise, and only this interceptor sees which it was.
 */
@Provider
public class RequestBodyReader implements ReaderInterceptor {
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (JsonbException e) {
            throw new BadRequestException("the request body is not valid JSON for this endpoint", e);
        }
    }
}
