package io.hearth.pool;

import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.chat.ChatTemplate;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded copy of a model on the CPU. It runs one sequence at a time (requests queue on its lock); the full pool
 * replaces this with a continuous-batching step loop.
 */
final class Replica implements AutoCloseable {
    private final ModelSpec spec;
    private final Model model;
    private final CpuBackend backend;
    private final Generator generator;
    private final ChatTemplate template;
    private final AtomicLong tokensGenerated = new AtomicLong();

    Replica(ModelSpec spec) {
        this.spec = spec;
        this.model = Model.load(spec.source());
        int kvTokens = Math.min(spec.kvTokens(), model.config().contextLength());
        this.backend = new CpuBackend(model, new EngineOptions(spec.threads(), KvType.F32, kvTokens));
        this.generator = new Generator(backend);
        this.template = ChatTemplate.forModel(model);
    }

    ModelInfo info() {
        var blocks = backend.kvCache().pool();
        return new ModelInfo(spec.id(), model.name(), model.config().architecture(), model.file().fileSize(),
                model.config().contextLength(), model.hasRandomWeights(), backend.device(), blocks.capacity(),
                blocks.freeBlocks(), blocks.cachedBlocks(), tokensGenerated.get());
    }

    Completion generate(ModelRequest request, TokenListener listener) {
        int[] prompt;
        if (request.prompt() != null) {
            prompt = model.tokenizer().encode(request.prompt(), true, true);
        } else {
            prompt = template.promptTokens(model.tokenizer(), request.messages());
        }
        if (request.maxPromptTokens() > 0 && prompt.length > request.maxPromptTokens()) {
            throw new PromptTooLongException(prompt.length, request.maxPromptTokens());
        }
        long arrived = System.nanoTime();
        synchronized (this) {
            long queued = System.nanoTime() - arrived;
            return new Completion(generator.generate(prompt, request.sampling(), (token, text) -> {
                if (token >= 0) tokensGenerated.incrementAndGet();
                listener.onToken(token, text);
            }), queued);
        }
    }

    @Override
    public void close() {
        backend.close();
        model.close();
    }
}
