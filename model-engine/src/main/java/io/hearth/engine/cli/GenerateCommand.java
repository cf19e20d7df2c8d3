package io.hearth.engine.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.chat.ChatTemplate;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Continue a prompt, or answer chat messages, streaming the text.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", description = "raw prompt text")
        String prompt;

        @Option(names = "--chat", description = "a user message, rendered with the model's chat template")
        String chat;

        @Option(names = "--messages", description = "chat messages as JSON: [{\"role\":\"user\",\"content\":\"...\"}]")
        String messages;
    }

    @Option(names = "--system", description = "system message to put before --chat")
    String system;

    @Option(names = "--max-tokens", description = "most tokens to generate (default: 128)")
    int maxTokens = 128;

    @Option(names = "--temperature", description = "0 is greedy (default: 0.8)")
    float temperature = 0.8f;

    @Option(names = "--top-k", description = "default: 40, 0 = off")
    int topK = 40;

    @Option(names = "--top-p", description = "default: 0.95")
    float topP = 0.95f;

    @Option(names = "--min-p", description = "default: 0.05")
    float minP = 0.05f;

    @Option(names = "--repeat-penalty", description = "default: 1.0 (off)")
    float repeatPenalty = 1.0f;

    @Option(names = "--repeat-last-n", description = "tokens the repeat penalty looks back on (default: 64)")
    int repeatLastN = 64;

    @Option(names = "--seed", description = "random seed (default: time)")
    Long seed;

    @Option(names = "--stop", description = "stop string (repeatable)")
    List<String> stop = new ArrayList<>();

    @Option(names = "--json-schema", description = "a JSON Schema file: the output is JSON valid for it (constrained decoding)")
    java.nio.file.Path jsonSchema;

    @Override
    public Integer call() throws Exception {
        SamplingParams params = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                seed != null ? seed : System.nanoTime(), maxTokens, stop,
                jsonSchema == null ? null : Grammars.jsonSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(jsonSchema.toFile())));
        try (Model model = options.load(); CpuBackend backend = options.backend(model)) {
            int[] prompt = promptTokens(model);
            TokenListener listener = options.json ? TokenListener.NONE : (token, text) -> {
                System.out.print(text);
                System.out.flush();
            };
            GenerationResult result = new Generator(backend).generate(prompt, params, listener);
            if (options.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("tokens", result.tokens());
                out.put("text", result.text());
                out.put("finish_reason", result.finishReason().apiName());
                out.put("prompt_tokens", result.promptTokens());
                out.put("prefill_ms", result.prefillNanos() / 1e6);
                out.put("decode_ms", result.decodeNanos() / 1e6);
                if (model.hasRandomWeights()) out.put("note", "model has random weights: its text is noise");
                Output.json(out);
            } else {
                System.out.println();
                System.err.printf("[%d prompt tokens, %d generated, %s; prefill %.1f ms, decode %.1f tok/s]%n",
                        result.promptTokens(), result.tokens().length, result.finishReason().apiName(),
                        result.prefillNanos() / 1e6, result.tokens().length / Math.max(1e-9, result.decodeNanos() / 1e9));
            }
        }
        return 0;
    }

    private int[] promptTokens(Model model) throws Exception {
        if (input.prompt != null) return model.tokenizer().encode(input.prompt, true, true);
        List<ChatMessage> messages = new ArrayList<>();
        if (input.messages != null) {
            List<Map<String, String>> parsed = Output.mapper().readValue(input.messages, new TypeReference<>() {
            });
            for (Map<String, String> m : parsed) messages.add(new ChatMessage(m.get("role"), m.get("content")));
        } else {
            if (system != null) messages.add(new ChatMessage("system", system));
            messages.add(new ChatMessage("user", input.chat));
        }
        return ChatTemplate.forModel(model).promptTokens(model.tokenizer(), messages);
    }
}
