package io.hearth.cuda;

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
 * libhearthcuda.so, from this jar, bound through FFM. The library is copied out of the jar once (a shared library
 * cannot be loaded from inside a zip) and stays loaded for the JVM's life. Every entry point returns the CUDA error
 * code of the call that failed; {@link #check} turns one into a {@link CudaException} naming that call.
 */
final class CudaLibrary {
    static final String RESOURCE = "/native/linux-x86_64/libhearthcuda.so";

    private final MethodHandle deviceCount, deviceInfo, errorString, malloc, free, copy, copyAsync, copyDevice, hostAlloc, hostFree,
            streamCreate, streamDestroy, streamSynchronize, eventCreate, eventDestroy, eventRecord, eventSynchronize,
            rmsnorm, matmul, embed, rope, kvStore, attention, swiglu, add;

    private CudaLibrary(SymbolLookup symbols) {
        Linker linker = Linker.nativeLinker();
        ValueLayout I = ValueLayout.JAVA_INT, L = ValueLayout.JAVA_LONG, A = ValueLayout.ADDRESS, F = ValueLayout.JAVA_FLOAT;
        malloc = bind(linker, symbols, "hearth_cuda_malloc", FunctionDescriptor.of(I, I, L, A));
        free = bind(linker, symbols, "hearth_cuda_free", FunctionDescriptor.of(I, I, A));
        copy = bind(linker, symbols, "hearth_cuda_copy", FunctionDescriptor.of(I, I, A, A, L, I));
        copyAsync = bind(linker, symbols, "hearth_cuda_copy_async", FunctionDescriptor.of(I, I, A, A, A, L, I));
        copyDevice = bind(linker, symbols, "hearth_cuda_copy_device", FunctionDescriptor.of(I, I, A, A, A, L));
        hostAlloc = bind(linker, symbols, "hearth_cuda_host_alloc", FunctionDescriptor.of(I, L, A));
        hostFree = bind(linker, symbols, "hearth_cuda_host_free", FunctionDescriptor.of(I, A));
        streamCreate = bind(linker, symbols, "hearth_cuda_stream_create", FunctionDescriptor.of(I, I, A));
        streamDestroy = bind(linker, symbols, "hearth_cuda_stream_destroy", FunctionDescriptor.of(I, I, A));
        streamSynchronize = bind(linker, symbols, "hearth_cuda_stream_synchronize", FunctionDescriptor.of(I, I, A));
        eventCreate = bind(linker, symbols, "hearth_cuda_event_create", FunctionDescriptor.of(I, I, A));
        eventDestroy = bind(linker, symbols, "hearth_cuda_event_destroy", FunctionDescriptor.of(I, I, A));
        eventRecord = bind(linker, symbols, "hearth_cuda_event_record", FunctionDescriptor.of(I, I, A, A));
        eventSynchronize = bind(linker, symbols, "hearth_cuda_event_synchronize", FunctionDescriptor.of(I, I, A));
        rmsnorm = bind(linker, symbols, "hearth_cuda_rmsnorm", FunctionDescriptor.of(I, I, A, A, A, A, I, I, F));
        matmul = bind(linker, symbols, "hearth_cuda_matmul", FunctionDescriptor.of(I, I, A, I, A, A, A, I, I, I, L));
        embed = bind(linker, symbols, "hearth_cuda_embed", FunctionDescriptor.of(I, I, A, I, A, A, A, I, I, L));
        rope = bind(linker, symbols, "hearth_cuda_rope", FunctionDescriptor.of(I, I, A, A, I, I, I, I, A, A, I));
        kvStore = bind(linker, symbols, "hearth_cuda_kv_store", FunctionDescriptor.of(I, I, A, A, A, A, A, A, I, I));
        attention = bind(linker, symbols, "hearth_cuda_attention", FunctionDescriptor.of(I, I, A, A, A, A, A, A, A, A, I, I, I, I, F, A, I));
        swiglu = bind(linker, symbols, "hearth_cuda_swiglu", FunctionDescriptor.of(I, I, A, A, A, L));
        add = bind(linker, symbols, "hearth_cuda_add", FunctionDescriptor.of(I, I, A, A, A, L, L));
        deviceCount = bind(linker, symbols, "hearth_cuda_device_count", FunctionDescriptor.of(I, A));
        deviceInfo = bind(linker, symbols, "hearth_cuda_device_info", FunctionDescriptor.of(I, I, A, I, A, A, A, A));
        errorString = bind(linker, symbols, "hearth_cuda_error_string", FunctionDescriptor.of(A, I));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup symbols, String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(symbols.findOrThrow(name), descriptor);
    }

    /** Whether this jar carries the library (false where nvcc was absent at build time). */
    static boolean bundled() {
        return CudaLibrary.class.getResource(RESOURCE) != null;
    }

    /** Copies the library out of the jar and binds it; an {@link IllegalStateException} says why it cannot. */
    static CudaLibrary load() {
        if (!bundled()) {
            throw new IllegalStateException("this build has no CUDA library (nvcc was not found when native-cuda was built)");
        }
        try (InputStream in = CudaLibrary.class.getResourceAsStream(RESOURCE)) {
            Path file = Files.createTempFile("libhearthcuda", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return new CudaLibrary(SymbolLookup.libraryLookup(file, Arena.global()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the CUDA library out of the jar: " + e.getMessage(), e);
        }
    }

    int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            check("cudaGetDeviceCount", (int) deviceCount.invokeExact(count));
            return count.get(ValueLayout.JAVA_INT, 0);
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling the CUDA library failed", t);
        }
    }

    CudaDevice device(int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256), major = arena.allocate(ValueLayout.JAVA_INT), minor = arena.allocate(ValueLayout.JAVA_INT),
                    total = arena.allocate(ValueLayout.JAVA_LONG), free = arena.allocate(ValueLayout.JAVA_LONG);
            check("cudaGetDeviceProperties/cudaMemGetInfo(" + index + ")",
                    (int) deviceInfo.invokeExact(index, name, (int) name.byteSize(), major, minor, total, free));
            return new CudaDevice(index, name.getString(0), major.get(ValueLayout.JAVA_INT, 0), minor.get(ValueLayout.JAVA_INT, 0),
                    total.get(ValueLayout.JAVA_LONG, 0), free.get(ValueLayout.JAVA_LONG, 0));
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling the CUDA library failed", t);
        }
    }

    /** Device memory: its address on the device (as a segment of no size: never read from the host). */
    MemorySegment malloc(int device, long bytes) {
        return pointerFrom("cudaMalloc(" + bytes + " bytes on device " + device + ")", out -> (int) malloc.invokeExact(device, bytes, out));
    }

    void free(int device, MemorySegment pointer) {
        invoke("cudaFree", () -> (int) free.invokeExact(device, pointer));
    }

    /** A synchronous copy of {@code bytes} between host memory and device memory. */
    void copy(int device, MemorySegment destination, MemorySegment source, long bytes, boolean toDevice) {
        invoke(toDevice ? "cudaMemcpy(host to device)" : "cudaMemcpy(device to host)",
                () -> (int) copy.invokeExact(device, destination, source, bytes, toDevice ? 1 : 0));
    }

    /** A copy queued on {@code stream}; the host memory must stay as it is until the stream has passed it. */
    void copyAsync(int device, MemorySegment stream, MemorySegment destination, MemorySegment source, long bytes, boolean toDevice) {
        invoke(toDevice ? "cudaMemcpyAsync(host to device)" : "cudaMemcpyAsync(device to host)",
                () -> (int) copyAsync.invokeExact(device, stream, destination, source, bytes, toDevice ? 1 : 0));
    }

    void copyDevice(int device, MemorySegment stream, MemorySegment destination, MemorySegment source, long bytes) {
        invoke("cudaMemcpyAsync(device to device)", () -> (int) copyDevice.invokeExact(device, stream, destination, source, bytes));
    }

    MemorySegment hostAlloc(long bytes) {
        return pointerFrom("cudaHostAlloc(" + bytes + " bytes)", out -> (int) hostAlloc.invokeExact(bytes, out));
    }

    void hostFree(MemorySegment pointer) {
        invoke("cudaFreeHost", () -> (int) hostFree.invokeExact(pointer));
    }

    MemorySegment streamCreate(int device) {
        return pointerFrom("cudaStreamCreate(device " + device + ")", out -> (int) streamCreate.invokeExact(device, out));
    }

    void streamDestroy(int device, MemorySegment stream) {
        invoke("cudaStreamDestroy", () -> (int) streamDestroy.invokeExact(device, stream));
    }

    void streamSynchronize(int device, MemorySegment stream) {
        invoke("cudaStreamSynchronize", () -> (int) streamSynchronize.invokeExact(device, stream));
    }

    MemorySegment eventCreate(int device) {
        return pointerFrom("cudaEventCreate(device " + device + ")", out -> (int) eventCreate.invokeExact(device, out));
    }

    void eventDestroy(int device, MemorySegment event) {
        invoke("cudaEventDestroy", () -> (int) eventDestroy.invokeExact(device, event));
    }

    void eventRecord(int device, MemorySegment event, MemorySegment stream) {
        invoke("cudaEventRecord", () -> (int) eventRecord.invokeExact(device, event, stream));
    }

    void eventSynchronize(int device, MemorySegment event) {
        invoke("cudaEventSynchronize", () -> (int) eventSynchronize.invokeExact(device, event));
    }

    void rmsnorm(int device, MemorySegment stream, MemorySegment out, MemorySegment x, MemorySegment weight, int rows, int n, float eps) {
        invoke("rmsnorm kernel", () -> (int) rmsnorm.invokeExact(device, stream, out, x, weight, rows, n, eps));
    }

    void matmul(int device, MemorySegment stream, int ggmlType, MemorySegment out, MemorySegment weights, MemorySegment x, int tokens,
                int rows, int cols, long rowBytes) {
        invoke("matmul kernel (ggml type " + ggmlType + ")",
                () -> (int) matmul.invokeExact(device, stream, ggmlType, out, weights, x, tokens, rows, cols, rowBytes));
    }

    void embed(int device, MemorySegment stream, int ggmlType, MemorySegment out, MemorySegment table, MemorySegment tokenIds, int tokens,
               int cols, long rowBytes) {
        invoke("embedding kernel (ggml type " + ggmlType + ")",
                () -> (int) embed.invokeExact(device, stream, ggmlType, out, table, tokenIds, tokens, cols, rowBytes));
    }

    void rope(int device, MemorySegment stream, MemorySegment x, int tokens, int heads, int headDim, int ropeDims, MemorySegment cos,
              MemorySegment sin, boolean adjacentPairs) {
        invoke("rope kernel", () -> (int) rope.invokeExact(device, stream, x, tokens, heads, headDim, ropeDims, cos, sin, adjacentPairs ? 1 : 0));
    }

    void kvStore(int device, MemorySegment stream, MemorySegment cacheK, MemorySegment cacheV, MemorySegment k, MemorySegment v,
                 MemorySegment slots, int tokens, int kvDim) {
        invoke("kv_store kernel", () -> (int) kvStore.invokeExact(device, stream, cacheK, cacheV, k, v, slots, tokens, kvDim));
    }

    void attention(int device, MemorySegment stream, MemorySegment out, MemorySegment q, MemorySegment cacheK, MemorySegment cacheV,
                   MemorySegment slotTable, MemorySegment offsets, MemorySegment lengths, int tokens, int heads, int kvHeads, int headDim,
                   float scale, MemorySegment scratch, int maxLength) {
        invoke("attention kernel", () -> (int) attention.invokeExact(device, stream, out, q, cacheK, cacheV, slotTable, offsets, lengths,
                tokens, heads, kvHeads, headDim, scale, scratch, maxLength));
    }

    void swiglu(int device, MemorySegment stream, MemorySegment gate, MemorySegment up, long n) {
        invoke("swiglu kernel", () -> (int) swiglu.invokeExact(device, stream, gate, up, n));
    }

    void add(int device, MemorySegment stream, MemorySegment x, MemorySegment y, long n, long period) {
        invoke("add kernel", () -> (int) add.invokeExact(device, stream, x, y, n, period));
    }

    /** A native call that answers through a pointer out-parameter. */
    @FunctionalInterface
    private interface PointerCall {
        int run(MemorySegment out) throws Throwable;
    }

    private MemorySegment pointerFrom(String call, PointerCall nativeCall) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            invoke(call, () -> nativeCall.run(out));
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** A native call that answers a CUDA error code. */
    @FunctionalInterface
    private interface NativeCall {
        int run() throws Throwable;
    }

    private void invoke(String call, NativeCall nativeCall) {
        try {
            check(call, nativeCall.run());
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling the CUDA library failed", t);
        }
    }

    private void check(String call, int code) throws Throwable {
        if (code == 0) return;
        MemorySegment text = (MemorySegment) errorString.invokeExact(code);
        throw new CudaException(call, code, text.reinterpret(1024).getString(0));
    }
}
