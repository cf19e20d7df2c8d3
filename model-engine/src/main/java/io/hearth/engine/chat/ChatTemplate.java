package io.hearth.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.FatalTemplateErrorsException;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.hearth.engine.model.Model;
import io.hearth.engine.tokenizer.Tokenizer;
import io.hearth.engine.tokenizer.Vocabulary;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.tools.ToolCall;
import io.hearth.engine.tools.ToolCallFormat;
import io.hearth.engine.tools.ToolDefinition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a conversation into prompt text with the model's own Jinja template ({@code tokenizer.chat_template}),
 * using Jinjava with the settings Hugging Face templates are written for (trim_blocks, lstrip_blocks). Models
 * without a template get ChatML, which is also what llama.cpp falls back to.
 */
public final class ChatTemplate {
    public static final String CHATML = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        JinjavaConfig config = JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                // message contents are data: a "{{ ... }}" a caller writes reaches the model as text, never evaluated
                .withNestedInterpretationEnabled(false).withMaxOutputSize(16L << 20).build();
        this.jinjava = withJinjavasClassLoader(() -> new Jinjava(config));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFilter(new MarkedTrimFilter());
    }

    /**
     * Jinjava finds its expression language classes through the thread's context class loader. In an application
     * server a pool thread's context loader is whatever the thread that started it had (a Hazelcast thread, say),
     * which may not see Jinjava at all, so templates always run with Jinjava's own loader.
     */
    private static <T> T withJinjavasClassLoader(java.util.function.Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(Jinjava.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    public static ChatTemplate forModel(Model model) {
        return of(model.chatTemplate(), model.tokenizer().vocabulary());
    }

    /** The template a GGUF file carries ({@code null}: ChatML), with the vocabulary's BOS and EOS. */
    public static ChatTemplate of(String template, Vocabulary vocab) {
        return new ChatTemplate(template != null ? template : CHATML,
                vocab.bos() >= 0 ? vocab.token(vocab.bos()) : "", vocab.eos() >= 0 ? vocab.token(vocab.eos()) : "");
    }

    /** Called by templates that reject a conversation (for example roles out of order). */
    public static String raiseException(String message) {
        throw new IllegalArgumentException("the chat template rejected the messages: " + message);
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return Tokenizer.withoutMarks(renderMarked(messages, List.of(), addGenerationPrompt));
    }

    /**
     * The rendering with everything a caller wrote {@link Tokenizer#untrusted marked} as the caller's text: each
     * message's content, its tool calls and tool-call id, and every name, description and schema of the tools.
     */
    private String renderMarked(List<ChatMessage> messages, List<ToolDefinition> tools, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> message = new HashMap<>();
            message.put("role", m.role());
            message.put("content", m.content() == null ? "" : Tokenizer.untrusted(m.content()));
            if (!m.toolCalls().isEmpty()) message.put("tool_calls", m.toolCalls().stream().map(ChatTemplate::toolCall).toList());
            if (m.toolCallId() != null) message.put("tool_call_id", m.toolCallId()); // a checked id (ToolCall's form): written as it is
            list.add(message);
        }
        return renderRaw(list, tools.stream().map(ChatTemplate::tool).toList(), addGenerationPrompt);
    }

    private String renderRaw(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>();
        context.put("messages", messages);
        if (!tools.isEmpty()) context.put("tools", tools);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        try {
            return withJinjavasClassLoader(() -> jinjava.render(source, context));
        } catch (FatalTemplateErrorsException e) {
            throw new IllegalArgumentException(rejection(e).orElse("the chat template cannot be rendered: " + e.getMessage()));
        }
    }

    /**
     * A call as templates read it, every string marked: OpenAI's shape ({@code id}, {@code type},
     * {@code function.name}, {@code function.arguments} as an object), with name and arguments also at the top level,
     * since some templates read {@code tool_call.name} and others {@code tool_call.function.name}.
     */
    private static Map<String, Object> toolCall(ToolCall call) {
        Object arguments;
        try {
            arguments = CallerJson.marked(JSON.readTree(call.arguments()));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("tool call " + call.id() + ": arguments are not JSON");
        }
        Map<String, Object> function = new HashMap<>();
        function.put("name", Tokenizer.untrusted(call.name()));
        function.put("arguments", arguments);
        Map<String, Object> out = new HashMap<>(function);
        out.put("id", call.id() == null ? "" : call.id());
        out.put("type", "function");
        out.put("function", function);
        return out;
    }

    /** A tool as templates read it: {@code {"type": "function", "function": {name, description, parameters}}}, marked. */
    private static Object tool(ToolDefinition t) {
        Map<String, Object> function = new HashMap<>();
        function.put("name", Tokenizer.untrusted(t.name()));
        if (t.description() != null) function.put("description", Tokenizer.untrusted(t.description()));
        if (t.parameters() != null) function.put("parameters", CallerJson.marked(t.parameters()));
        return Map.of("type", "function", "function", function);
    }

    /** The message a template gave through raise_exception, found among Jinjava's wrapped errors. */
    private static java.util.Optional<String> rejection(FatalTemplateErrorsException e) {
        for (var error : e.getErrors()) {
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException && t.getMessage() != null
                        && t.getMessage().startsWith("the chat template rejected")) {
                    return java.util.Optional.of(t.getMessage());
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The prompt tokens for a conversation: rendered with the generation prompt, special tokens parsed in the
     * template's markup only (never in a message's content), and BOS added only where the template did not already
     * write it.
     */
    public int[] promptTokens(Tokenizer tokenizer, List<ChatMessage> messages) {
        return promptTokens(tokenizer, messages, List.of());
    }

    /** As above, with tools the template shows the model (its {@code tools} variable, as Hugging Face templates take it). */
    public int[] promptTokens(Tokenizer tokenizer, List<ChatMessage> messages, List<ToolDefinition> tools) {
        String marked = renderMarked(messages, tools, true);
        return tokenizer.encodeMarked(marked, !startsWithBos(Tokenizer.withoutMarks(marked)));
    }

    /**
     * The tokens every prompt of a conversation that starts with {@code messages} begins with, where the last
     * message's content may go on (a function's system prompt and the fixed start of its template): the rendering is
     * cut where the last message's content ends, and the last token dropped, since text that follows may merge with
     * it into another token.
     */
    public int[] prefixTokens(Tokenizer tokenizer, List<ChatMessage> messages) {
        String sentinel = "\u0000hearth-prefix-end\u0000";
        List<Map<String, Object>> marked = new ArrayList<>();
        for (ChatMessage m : messages) marked.add(Map.of("role", m.role(), "content", Tokenizer.untrusted(m.content())));
        Map<String, Object> last = marked.removeLast();
        String content = (String) last.get("content");
        // the sentinel goes inside the last content's marks: the prefix is cut within the caller's text, as it goes on
        marked.add(Map.of("role", last.get("role"), "content", content.substring(0, content.length() - 1) + sentinel + Tokenizer.UNTRUSTED_END));
        String rendered = renderRaw(marked, List.of(), true);
        int cut = rendered.indexOf(sentinel);
        if (cut < 0) return new int[0];
        String prefix = rendered.substring(0, cut);
        int[] tokens = tokenizer.encodeMarked(prefix, !startsWithBos(Tokenizer.withoutMarks(prefix)));
        return java.util.Arrays.copyOf(tokens, Math.max(0, tokens.length - 1));
    }

    /** How this template writes tool calls, or null when it takes no tools (see {@link ToolCallFormat#of}). */
    public ToolCallFormat toolCallFormat() {
        return ToolCallFormat.of(source);
    }

    /** Whether rendered text already begins with BOS, so tokenization must not add another. */
    public boolean startsWithBos(String rendered) {
        return !bosToken.isEmpty() && rendered.startsWith(bosToken);
    }
}
