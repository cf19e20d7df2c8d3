package io.hearth.runtime.openai;

import io.hearth.engine.generate.TokenListener;
import io.hearth.runtime.sse.EventStream;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streamed choice's tokens as OpenAI's chunks, each with its token's log-probability when the call asked for them.
 * A token whose text is held back (part of a UTF-8 character, a possible stop string's start) still sends its chunk
 * when it has a log-probability, with empty text: its bytes are in the entry.
 */
final class StreamedPieces {
    private StreamedPieces() {
    }

    /** Chat chunks of choice {@code index}: {@code delta.content} and {@code logprobs.content}. */
    static TokenListener chat(EventStream events, String id, long created, String model, int index) {
        return TokenListener.relaying((token, text, logprob) -> {
            if (text.isEmpty() && logprob == null) return;
            events.send(Responses.ChatChunk.of(id, created, model, new Responses.ChunkChoice(index, new Responses.Delta(null, text), null,
                    logprob == null ? null : Responses.ChatLogprobs.of(List.of(logprob)))));
        });
    }

    /** Completion chunks of choice {@code index}: {@code text} and {@code logprobs}, offsets counted over the choice's text so far. */
    static TokenListener text(EventStream events, String id, long created, String model, int index) {
        AtomicInteger offset = new AtomicInteger();
        return TokenListener.relaying((token, text, logprob) -> {
            if (text.isEmpty() && logprob == null) return;
            events.send(new Responses.TextCompletion(id, "text_completion", created, model, List.of(new Responses.TextChoice(index, text, null,
                    logprob == null ? null : Responses.TextLogprobs.of(List.of(logprob), offset.get()))), null));
            offset.addAndGet(text.length());
        });
    }
}
