package io.hearth.engine.cli;

import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.model.Model;
import io.hearth.engine.kv.Sequence;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "logits", description = "Print the top-N logits at the last position of a text or of token ids.")
final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", description = "text (tokenized with BOS as the model says)")
        String text;

        @Option(names = "--tokens", split = ",", description = "comma-separated token ids")
        int[] tokens;
    }

    @Option(names = "--top", description = "how many logits (default: 20)")
    int top = 20;

    @Override
    public Integer call() {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1");
        try (Model model = options.load(); CpuBackend backend = options.backend(model)) {
            int[] tokens = input.tokens != null ? input.tokens : model.tokenizer().encode(input.text, true, true);
            if (tokens.length == 0) throw new IllegalArgumentException("no tokens to evaluate");
            Sequence sequence = backend.kvCache().newSequence();
            float[] logits = new Generator(backend).prefill(sequence, tokens);
            backend.kvCache().release(sequence);
            List<List<Number>> best = new ArrayList<>();
            IntStream.range(0, logits.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
                    .limit(top).forEach(i -> best.add(List.of(i, logits[i])));
            if (options.json) {
                Output.json(Map.of("top", best));
            } else {
                System.out.println("tokens " + Arrays.toString(tokens));
                for (List<Number> entry : best) System.out.printf("%8d  %10.5f%n", entry.get(0).intValue(), entry.get(1).floatValue());
            }
        }
        return 0;
    }
}
