package io.hearth.runtime.errors;

/** A request field with a value Hearth cannot take: a 400 whose {@code param} names the field. */
public class InvalidParamException extends IllegalArgumentException {
    private final String param;

    public InvalidParamException(String param, String message) {
        super(message);
        this.param = param;
    }

    public InvalidParamException(String param, String message, Throwable cause) {
        super(message, cause);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
