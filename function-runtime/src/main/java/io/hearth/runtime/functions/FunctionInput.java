package io.hearth.runtime.functions;

import java.util.Map;

/** A function's input as a caller sent it: a JSON object's fields (read strictly, by {@code StrictJsonReader}). */
public record FunctionInput(Map<String, Object> fields) {
}
