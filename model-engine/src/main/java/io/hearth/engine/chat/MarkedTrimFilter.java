package io.hearth.engine.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import io.hearth.engine.tokenizer.Tokenizer;

/**
 * Jinja's {@code trim} for contents marked as a caller's text ({@link Tokenizer#untrusted}): templates trim message
 * contents ({@code message['content'] | trim}, as Llama 3's does), and the whitespace to strip is inside the marks,
 * which the built-in filter would take for text and keep.
 */
final class MarkedTrimFilter implements Filter {
    @Override
    public String getName() {
        return "trim";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
        if (value == null) return null;
        String text = value.toString();
        int length = text.length();
        if (length >= 2 && text.charAt(0) == Tokenizer.UNTRUSTED_START && text.charAt(length - 1) == Tokenizer.UNTRUSTED_END) {
            return Tokenizer.UNTRUSTED_START + text.substring(1, length - 1).strip() + Tokenizer.UNTRUSTED_END;
        }
        return text.strip();
    }
}
