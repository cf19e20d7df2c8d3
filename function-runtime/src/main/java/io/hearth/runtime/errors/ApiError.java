package io.hearth.runtime.errors;

/**
 * The error body every endpoint returns, in the OpenAI API's shape:
 * {@code {"error":{"message":..,"type":..,"param":..,"code":..}}}. {@code type} is one of OpenAI's
 * ({@code invalid_request_error}, {@code authentication_error}, {@code permission_error}, {@code not_found_error},
 * {@code rate_limit_error}, {@code server_error}), given by the status; {@code code} says which error of that type
 * (Hearth's own names: {@code model_not_found}, {@code overloaded}, {@code quota_exceeded}, ...); {@code param} names
 * the request field at fault, where there is one.
 */
@jakarta.json.bind.annotation.JsonbNillable
public record ApiError(Detail error) {
    @jakarta.json.bind.annotation.JsonbNillable
    public record Detail(String message, String type, String param, String code) {
    }

    /** The error for a status, with its code and the field at fault (both may be null). */
    public static ApiError of(int status, String message, String code, String param) {
        return new ApiError(new Detail(message, typeOf(status), param, code));
    }

    /** OpenAI's error type for an HTTP status. */
    public static String typeOf(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** The body as JSON text, for the servlet pages that answer before JAX-RS (and its JSON-B) is reached. */
    public String json() {
        return "{\"error\":{\"message\":" + quoted(error.message()) + ",\"type\":" + quoted(error.type()) + ",\"param\":"
                + quoted(error.param()) + ",\"code\":" + quoted(error.code()) + "}}";
    }

    private static String quoted(String s) {
        if (s == null) return "null";
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }
}
