package io.hearth.runtime.openai;

import io.hearth.engine.tools.ToolCall;
import io.hearth.pool.Completion;
import io.hearth.runtime.invoke.InvocationResult;

import java.util.List;

/** An assistant answer as the API returns it: its text, or its tool calls (then {@code finish_reason: tool_calls}). */
record Answer(String content, List<ToolCall> calls, String modelFinishReason) {
    static Answer of(Completion c) {
        var answer = c.toolAnswer();
        String reason = c.generation().finishReason().apiName();
        return answer == null ? new Answer(c.generation().text(), List.of(), reason) : new Answer(answer.content(), answer.calls(), reason);
    }

    static Answer of(InvocationResult r) {
        return new Answer(r.output() == null ? null : String.valueOf(r.output()), r.toolCalls(), r.finishReason());
    }

    String finishReason() {
        return calls.isEmpty() ? modelFinishReason : "tool_calls";
    }

    Responses.Message message() {
        List<Responses.ToolCall> toolCalls = calls.isEmpty() ? null : calls.stream()
                .map(c -> new Responses.ToolCall(c.id(), "function", new Responses.CalledFunction(c.name(), c.arguments()))).toList();
        return new Responses.Message("assistant", calls.isEmpty() && content == null ? "" : content, toolCalls);
    }
}
