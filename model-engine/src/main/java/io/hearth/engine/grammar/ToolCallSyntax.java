package io.hearth.engine.grammar;

/**
 * How a model family writes tool calls around their JSON objects ({@code {"name": ..., "<argumentsKey>": {...}}}).
 *
 * @param prefix       before the first call (Mistral's {@code [TOOL_CALLS][})
 * @param callOpen     before each call (Hermes' {@code <tool_call>})
 * @param callClose    after each call
 * @param separator    between calls ({@code null}: the format has one call per answer)
 * @param suffix       after the last call
 * @param argumentsKey the key of the arguments object ({@code arguments}, Llama 3's {@code parameters})
 * @param trigger      the text that shows the model has started a call, where {@code auto} starts the grammar
 */
public record ToolCallSyntax(String prefix, String callOpen, String callClose, String separator, String suffix,
                             String argumentsKey, String trigger) {
}
