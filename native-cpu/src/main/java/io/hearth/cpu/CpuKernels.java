package io.hearth.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * libhearthcpu.so, from this jar, bound through FFM: products of Q8_0 and Q4_0 weights with activations quantized to
 * int8 blocks, on AVX2 or AVX-512 VNNI. The calls are "critical" downcalls, so they read and write Java arrays in
 * place (no copies); the JVM cannot reach a safepoint while one runs, so callers keep each call short (about 100 µs
 * of work: {@code NativeProducts} splits its rows into such calls). The C side trusts its sizes: every call checks
 * them here first.
 *
 * <p>{@link #available()} is false where this build has no library (no C compiler, or not x86-64), the CPU lacks AVX2,
 * FMA or F16C, or {@code -Dhearth.engine.native=off} turns the kernels off; callers then keep their Java path.
 * {@code -Dhearth.engine.isa=avx2} runs the AVX2 kernels on an AVX-512 machine (the build tests both that way).
 */
public final class CpuKernels {
    static final String RESOURCE = "/native/linux-x86_64/libhearthcpu.so";
    /** Bytes of one quantized activation block: a float scale and 32 signed bytes. */
    public static final int ACTIVATION_BLOCK_BYTES = 36;
    /** Values per block, of weights and activations alike. */
    public static final int BLOCK = 32;
    private static final int Q8_0_BLOCK_BYTES = 34, Q4_0_BLOCK_BYTES = 18;

    /** The instruction sets the kernels are built for, as the library numbers them. */
    public enum Isa { NONE, AVX2, AVX512_VNNI }

    private static final CpuKernels INSTANCE = load();

    private final MethodHandle quantize, rowsQ8_0, rowsQ4_0;
    private final Isa isa;
    private final String unavailableReason;

    private CpuKernels(SymbolLookup symbols, String wanted) {
        Linker linker = Linker.nativeLinker();
        ValueLayout I = ValueLayout.JAVA_INT, L = ValueLayout.JAVA_LONG, A = ValueLayout.ADDRESS;
        Linker.Option critical = Linker.Option.critical(true);
        quantize = linker.downcallHandle(symbols.findOrThrow("hearth_quantize_q8"), FunctionDescriptor.ofVoid(A, L, A), critical);
        FunctionDescriptor rows = FunctionDescriptor.ofVoid(A, L, L, L, I, A, I, A, L);
        rowsQ8_0 = linker.downcallHandle(symbols.findOrThrow("hearth_rows_q8_0"), rows, critical);
        rowsQ4_0 = linker.downcallHandle(symbols.findOrThrow("hearth_rows_q4_0"), rows, critical);
        MethodHandle forceIsa = linker.downcallHandle(symbols.findOrThrow("hearth_cpu_force_isa"), FunctionDescriptor.of(I, I));
        MethodHandle detect = linker.downcallHandle(symbols.findOrThrow("hearth_cpu_isa"), FunctionDescriptor.of(I));
        try {
            int chosen = wanted.equals("avx2") ? (int) forceIsa.invokeExact(Isa.AVX2.ordinal()) : (int) detect.invokeExact();
            this.isa = Isa.values()[chosen];
        } catch (Throwable t) {
            throw new IllegalStateException("the CPU kernels could not detect the instruction set", t);
        }
        this.unavailableReason = isa == Isa.NONE ? "this CPU lacks AVX2, FMA or F16C" : null;
    }

    private CpuKernels(String reason) {
        quantize = rowsQ8_0 = rowsQ4_0 = null;
        isa = Isa.NONE;
        unavailableReason = reason;
    }

    private static CpuKernels load() {
        if ("off".equalsIgnoreCase(System.getProperty("hearth.engine.native", "on"))) return new CpuKernels("turned off (hearth.engine.native=off)");
        String wanted = System.getProperty("hearth.engine.isa", "best").toLowerCase(java.util.Locale.ROOT);
        if (!wanted.equals("best") && !wanted.equals("avx2")) {
            return new CpuKernels("hearth.engine.isa is '" + wanted + "': use best or avx2");
        }
        if (CpuKernels.class.getResource(RESOURCE) == null) {
            return new CpuKernels("this build has no CPU kernels (no usable C compiler, or not x86-64, when native-cpu was built)");
        }
        try (InputStream in = CpuKernels.class.getResourceAsStream(RESOURCE)) {
            Path file = Files.createTempFile("libhearthcpu", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return new CpuKernels(SymbolLookup.libraryLookup(file, Arena.global()), wanted);
            } finally {
                Files.deleteIfExists(file); // the mapping stays valid once loaded; nothing is left behind, even on a kill
            }
        } catch (IOException | RuntimeException e) {
            return new CpuKernels("the CPU kernels could not be loaded: " + e.getMessage());
        }
    }

    /** The kernels of this JVM: one library, loaded on first use. */
    public static CpuKernels get() {
        return INSTANCE;
    }

    public boolean available() {
        return isa != Isa.NONE;
    }

    /** The instruction set in use ({@link Isa#NONE} when unavailable). */
    public Isa isa() {
        return isa;
    }

    /** Why the kernels are not in use; null when they are. */
    public String unavailableReason() {
        return unavailableReason;
    }

    /**
     * Quantizes {@code n} activations from {@code x[offset..]} ({@code n} a multiple of {@link #BLOCK}) into
     * {@code out} at byte {@code outOffset} (a multiple of 4): per block of 32 a float scale (rounded as an f16, as
     * llama.cpp stores it; NaN when the block holds a NaN or an infinity, so the products say so) and 32 bytes.
     */
    public void quantize(float[] x, int offset, long n, byte[] out, long outOffset) {
        requireAvailable();
        if (n % BLOCK != 0) throw new IllegalArgumentException(n + " activations are not whole blocks of " + BLOCK);
        if (offset < 0 || offset + n > x.length) throw new IndexOutOfBoundsException("activations beyond the array");
        if (outOffset < 0 || outOffset % 4 != 0 || outOffset + n / BLOCK * ACTIVATION_BLOCK_BYTES > out.length) {
            throw new IndexOutOfBoundsException("blocks beyond the array, or not at a multiple of 4");
        }
        try {
            quantize.invokeExact(MemorySegment.ofArray(x).asSlice((long) offset * Float.BYTES), n, MemorySegment.ofArray(out).asSlice(outOffset));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code out[t·outStride + r] = W[r] · x[t]} for rows [r0, r1) and tokens [0, tokens): W's rows of Q8_0 blocks
     * ({@code rowBytes} each) in {@code w}, the tokens' activations quantized by {@link #quantize}, one token after another.
     */
    public void rowsQ8_0(MemorySegment w, long rowBytes, long r0, long r1, int cols, byte[] x, int tokens, float[] out, long outStride) {
        rows(rowsQ8_0, Q8_0_BLOCK_BYTES, w, rowBytes, r0, r1, cols, x, tokens, out, outStride);
    }

    /** As {@link #rowsQ8_0}, for Q4_0 weights. */
    public void rowsQ4_0(MemorySegment w, long rowBytes, long r0, long r1, int cols, byte[] x, int tokens, float[] out, long outStride) {
        rows(rowsQ4_0, Q4_0_BLOCK_BYTES, w, rowBytes, r0, r1, cols, x, tokens, out, outStride);
    }

    private void rows(MethodHandle kernel, int blockBytes, MemorySegment w, long rowBytes, long r0, long r1, int cols, byte[] x, int tokens,
                      float[] out, long outStride) {
        requireAvailable();
        if (cols <= 0 || cols % BLOCK != 0 || rowBytes < (long) cols / BLOCK * blockBytes) {
            throw new IllegalArgumentException("rows of " + cols + " columns do not fit " + rowBytes + " bytes of " + blockBytes + "-byte blocks");
        }
        if (r0 < 0 || r1 < r0 || Math.multiplyHigh(r1, rowBytes) != 0 || r1 * rowBytes > w.byteSize()) {
            throw new IndexOutOfBoundsException("rows beyond the weights");
        }
        if (tokens < 1 || outStride < r1 || Math.multiplyExact(tokens - 1L, outStride) + r1 > out.length) {
            throw new IndexOutOfBoundsException("outputs beyond the array");
        }
        if (Math.multiplyExact((long) tokens * (cols / BLOCK), ACTIVATION_BLOCK_BYTES) > x.length) {
            throw new IndexOutOfBoundsException("activations beyond the array");
        }
        try {
            kernel.invokeExact(w, rowBytes, r0, r1, cols, MemorySegment.ofArray(x), tokens, MemorySegment.ofArray(out), outStride);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void requireAvailable() {
        if (!available()) throw new IllegalStateException("the CPU kernels are not in use: " + unavailableReason);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
