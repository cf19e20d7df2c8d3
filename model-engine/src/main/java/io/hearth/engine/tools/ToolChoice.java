package io.hearth.engine.tools;

/**
 * Whether and how the model calls tools: {@code none} (never; the tools are not shown), {@code auto} (the model
 * decides; a call it starts is held to the grammar from its opening marker on), {@code required} (always at least one
 * call), or one named function.
 */
public sealed interface ToolChoice {
    record None() implements ToolChoice {
    }

    record Auto() implements ToolChoice {
    }

    record Required() implements ToolChoice {
    }

    record Named(String function) implements ToolChoice {
    }

    ToolChoice NONE = new None();
    ToolChoice AUTO = new Auto();
    ToolChoice REQUIRED = new Required();
}
