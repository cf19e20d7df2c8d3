package io.hearth.engine.cli;

import io.hearth.engine.model.Model;
import io.hearth.engine.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "tokenize", description = "Print the token ids of a text (BOS as the model says, special tokens parsed).")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--text", required = true, description = "text to tokenize")
    String text;

    @Option(names = "--no-special", description = "neither add BOS/EOS nor parse special tokens")
    boolean noSpecial;

    @Override
    public Integer call() {
        try (Model model = options.load()) {
            Tokenizer tokenizer = model.tokenizer();
            int[] tokens = tokenizer.encode(text, !noSpecial, !noSpecial);
            if (options.json) {
                Output.json(Map.of("tokens", tokens));
            } else {
                for (int t : tokens) {
                    String piece = new String(tokenizer.pieceBytes(t, true), StandardCharsets.UTF_8);
                    System.out.printf("%6d  %s%n", t, piece.replace("\n", "\\n"));
                }
                System.out.println(Arrays.toString(tokens));
            }
        }
        return 0;
    }
}
