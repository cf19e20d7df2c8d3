package io.hearth.runtime.errors;

import jakarta.ws.rs.BadRequestException;

/** A body that does not read because of one field (its type, its range): a 400 whose {@code param} names it. */
public class BadFieldException extends BadRequestException {
    private final String param;

    public BadFieldException(String param, String message) {
        super(message);
        this.param = "the body".equals(param) ? null : param;
    }

    public String param() {
        return param;
    }
}
