package io.hearth.engine.gguf;

import io.hearth.engine.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF v2/v3 file mapped read-only with the FFM API: no copy, and files larger than 2 GB work because every
 * offset is a {@code long}. Tensors are handed out as {@link MemorySegment} slices of the one mapping, which stays
 * valid until {@link #close()}.
 */
public final class GgufFile implements AutoCloseable {
    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final long MAX_ENTRIES = 1L << 24;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;
    private final long headerBytes;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, Map<String, Object> metadata,
                     Map<String, GgufTensorInfo> tensors, long dataStart, long headerBytes) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
        this.headerBytes = headerBytes;
    }

    public static GgufFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new GgufFormatException(path, Files.exists(path) ? "not a regular file" : "no such file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path, arena, mapping);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GgufFormatException(path, "no such file");
        } catch (IOException e) {
            arena.close();
            throw new GgufFormatException(path, "cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment mapping) {
        GgufCursor in = new GgufCursor(mapping, path);
        if (mapping.byteSize() < 4 || in.u32() != MAGIC) {
            throw new GgufFormatException(path, "not a GGUF file (the first four bytes are not 'GGUF')");
        }
        int version = in.u32();
        if (version != 2 && version != 3) {
            throw new GgufFormatException(path, "GGUF version " + version + " is not supported (only 2 and 3)");
        }
        long tensorCount = in.count("tensor count", MAX_ENTRIES);
        long kvCount = in.count("metadata count", MAX_ENTRIES);

        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            in.context("metadata key #" + i);
            String key = in.string();
            in.context("metadata value of " + key);
            metadata.put(key, readValue(in, in.u32()));
        }

        int alignment = DEFAULT_ALIGNMENT;
        Object alignValue = metadata.get("general.alignment");
        if (alignValue instanceof Number n) {
            alignment = n.intValue();
            if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
                throw new GgufFormatException(path, "general.alignment " + alignment + " is not a power of two");
            }
        }

        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            in.context("tensor info #" + i);
            String name = in.string();
            in.context("tensor info of " + name);
            int nDims = in.u32();
            if (nDims < 1 || nDims > 4) throw in.error("tensor " + name + " has " + nDims + " dimensions (1 to 4 allowed)");
            long[] dims = new long[nDims];
            for (int d = 0; d < nDims; d++) dims[d] = in.count("dimension", 1L << 40);
            int typeId = in.u32();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw new GgufFormatException(path, "tensor " + name + " has type " + GgmlType.describe(typeId)
                        + ", which is not supported (supported: " + GgmlType.supportedNames() + ")");
            }
            long offset = in.u64();
            GgufTensorInfo info = new GgufTensorInfo(name, dims, type, offset);
            if (info.elementCount() % type.blockSize() != 0 || dims[0] % type.blockSize() != 0) {
                throw new GgufFormatException(path, "tensor " + name + " has " + dims[0] + " columns, not a multiple of the "
                        + type + " block size " + type.blockSize());
            }
            if (tensors.put(name, info) != null) throw new GgufFormatException(path, "tensor " + name + " appears twice");
        }
        long headerBytes = in.position();
        long dataStart = alignUp(headerBytes, alignment);
        long dataBytes = mapping.byteSize() - dataStart;
        for (GgufTensorInfo info : tensors.values()) {
            if (info.offset() < 0 || info.offset() % alignment != 0) {
                throw new GgufFormatException(path, "tensor " + info.name() + " starts at offset " + info.offset()
                        + ", which is not aligned to " + alignment);
            }
            if (info.offset() + info.byteSize() > dataBytes) {
                throw new GgufFormatException(path, "file is truncated: tensor " + info.name() + " ends at byte "
                        + (dataStart + info.offset() + info.byteSize()) + " but the file has " + mapping.byteSize());
            }
        }
        return new GgufFile(path, arena, mapping, version, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors), dataStart, headerBytes);
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private static Object readValue(GgufCursor in, int typeId) {
        GgufValueType type = GgufValueType.byId(typeId);
        if (type == null) throw in.error("unknown metadata value type " + typeId);
        return switch (type) {
            case UINT8 -> Byte.toUnsignedInt(in.u8());
            case INT8 -> (int) in.u8();
            case UINT16 -> Short.toUnsignedInt(in.u16());
            case INT16 -> (int) in.u16();
            case UINT32 -> Integer.toUnsignedLong(in.u32());
            case INT32 -> in.u32();
            case FLOAT32 -> in.f32();
            case BOOL -> in.u8() != 0;
            case STRING -> in.string();
            case UINT64, INT64 -> in.u64();
            case FLOAT64 -> in.f64();
            case ARRAY -> readArray(in);
        };
    }

    private static Object readArray(GgufCursor in) {
        int elementTypeId = in.u32();
        GgufValueType type = GgufValueType.byId(elementTypeId);
        if (type == null) throw in.error("unknown array element type " + elementTypeId);
        int n = (int) in.count("array length", Integer.MAX_VALUE - 8);
        switch (type) {
            case STRING -> {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) values[i] = in.string();
                return values;
            }
            case FLOAT32 -> {
                float[] values = new float[n];
                for (int i = 0; i < n; i++) values[i] = in.f32();
                return values;
            }
            case FLOAT64 -> {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) values[i] = in.f64();
                return values;
            }
            case UINT64, INT64 -> {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) values[i] = in.u64();
                return values;
            }
            case ARRAY -> {
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) values[i] = readArray(in);
                return values;
            }
            default -> {
                int[] values = new int[n];
                for (int i = 0; i < n; i++) {
                    Object value = readValue(in, elementTypeId);
                    values[i] = value instanceof Boolean flag ? (flag ? 1 : 0) : ((Number) value).intValue();
                }
                return values;
            }
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    /** Bytes of the header (magic through tensor infos), the part that describes the model without its weights. */
    public MemorySegment header() {
        return mapping.asSlice(0, headerBytes);
    }

    /** The whole tensor data section; the pool's host tier and the CUDA upload read it in large chunks. */
    public MemorySegment data() {
        return mapping.asSlice(dataStart);
    }

    public MemorySegment tensorData(GgufTensorInfo info) {
        return mapping.asSlice(dataStart + info.offset(), info.byteSize());
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) throw new GgufFormatException(path, "tensor " + name + " is missing");
        return info;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public String string(String key) {
        return typed(key, String.class);
    }

    public String string(String key, String fallback) {
        return metadata.get(key) instanceof String s ? s : fallback;
    }

    public int integer(String key) {
        return typed(key, Number.class).intValue();
    }

    public int integer(String key, int fallback) {
        return metadata.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    public float real(String key, float fallback) {
        return metadata.get(key) instanceof Number n ? n.floatValue() : fallback;
    }

    public boolean bool(String key, boolean fallback) {
        return metadata.get(key) instanceof Boolean b ? b : fallback;
    }

    public <T> T array(String key, Class<T> arrayType) {
        return typed(key, arrayType);
    }

    private <T> T typed(String key, Class<T> type) {
        Object value = metadata.get(key);
        if (value == null) throw new GgufFormatException(path, "metadata key " + key + " is missing");
        if (!type.isInstance(value)) {
            throw new GgufFormatException(path, "metadata key " + key + " is a " + value.getClass().getSimpleName()
                    + ", expected " + type.getSimpleName());
        }
        return type.cast(value);
    }

    @Override
    public void close() {
        arena.close();
    }
}
