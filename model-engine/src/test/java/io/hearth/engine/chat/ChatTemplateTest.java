package io.hearth.engine.chat;

import io.hearth.engine.Conformance;
import io.hearth.engine.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {
    private static final List<ChatMessage> CONVERSATION = List.of(
            new ChatMessage("system", "You are terse."),
            new ChatMessage("user", "Hi!"));

    @Test
    void rendersChatMlWithGenerationPrompt() {
        ChatTemplate t = new ChatTemplate(ChatTemplate.CHATML, "", "");
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
                t.render(CONVERSATION, true));
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n",
                t.render(CONVERSATION, false));
    }

    @Test
    void rendersLlama3TemplateFromGguf() {
        try (GgufFile file = GgufFile.open(Conformance.model("tiny-llama3-bpe-f16.gguf"))) {
            ChatTemplate t = new ChatTemplate(file.string("tokenizer.chat_template"), "<|begin_of_text|>", "<|end_of_text|>");
            String rendered = t.render(CONVERSATION, true);
            assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                    + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", rendered);
            assertTrue(t.startsWithBos(rendered));
        }
    }

    @Test
    void rendersPhi3TemplateFromGguf() {
        try (GgufFile file = GgufFile.open(Conformance.dir().resolve("vocab/ggml-vocab-phi-3.gguf"))) {
            ChatTemplate t = new ChatTemplate(file.string("tokenizer.chat_template"), "<s>", "<|endoftext|>");
            String rendered = t.render(List.of(new ChatMessage("user", "Hi!")), true);
            assertEquals("<s><|user|>\nHi!<|end|>\n<|assistant|>\n", rendered);
        }
    }

    @Test
    void templateExceptionsBecomeClearErrors() {
        ChatTemplate t = new ChatTemplate("{% if messages[0]['role'] != 'user' %}{{ raise_exception('Conversations must start with a user message') }}{% endif %}ok", "", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.render(CONVERSATION, true));
        assertTrue(e.getMessage().contains("Conversations must start with a user message"), e.getMessage());
        assertEquals("ok", t.render(List.of(new ChatMessage("user", "x")), true));
    }
}
