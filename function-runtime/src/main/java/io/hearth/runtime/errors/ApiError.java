package io.hearth.runtime.errors;

/** The error body every endpoint returns, in the OpenAI API's shape: {"error":{"message":..,"type":..}}. */
public record ApiError(Detail error) {
    public record Detail(String message, String type) {
    }

    public static ApiError of(String message, String type) {
        return new ApiError(new Detail(message, type));
    }
}
