package io.hearth.engine.gguf;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufFileTest {
    private static WorkerPool pool;
    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private Path writeSample() throws IOException {
        Path file = dir.resolve("sample.gguf");
        new GgufWriter()
                .put("general.architecture", "llama")
                .put("count", 7)
                .put("big", 1L << 40)
                .put("ratio", 0.5f)
                .put("flag", true)
                .put("names", new String[]{"a", "β", ""})
                .put("ids", new int[]{-1, 2, 3})
                .put("scores", new float[]{1.5f, -2f})
                .tensor("m", GgmlType.F32, 32, 3, (first, count, out) -> {
                    for (long r = first; r < first + count; r++) for (int c = 0; c < 32; c++) out.putFloat(r * 100 + c);
                })
                .tensor("v", GgmlType.Q8_0, 64, 1, (first, count, out) -> {
                    for (int b = 0; b < 2; b++) {
                        out.putShort(Float.floatToFloat16(0.5f));
                        for (int j = 0; j < 32; j++) out.put((byte) j);
                    }
                })
                .write(file, pool);
        return file;
    }

    @Test
    void writerAndReaderAgreeOnEveryMetadataTypeAndTensor() throws IOException {
        try (GgufFile f = GgufFile.open(writeSample())) {
            assertEquals(3, f.version());
            assertEquals("llama", f.string("general.architecture"));
            assertEquals(7, f.integer("count"));
            assertEquals(1L << 40, ((Number) f.metadata().get("big")).longValue());
            assertEquals(0.5f, f.real("ratio", 0f));
            assertTrue(f.bool("flag", false));
            assertArrayEquals(new String[]{"a", "β", ""}, f.array("names", String[].class));
            assertArrayEquals(new int[]{-1, 2, 3}, f.array("ids", int[].class));
            assertArrayEquals(new float[]{1.5f, -2f}, f.array("scores", float[].class));
            GgufTensorInfo m = f.tensor("m");
            assertArrayEquals(new long[]{32, 3}, m.dims());
            assertEquals(0, m.offset() % 32);
            assertEquals(201f, f.tensorData(m).getAtIndex(io.hearth.engine.tensor.Layouts.FLOAT, 32 * 2 + 1));
            assertEquals(GgmlType.Q8_0, f.tensor("v").type());
            assertEquals(68, f.tensor("v").byteSize());
        }
    }

    private GgufFormatException corrupt(byte[] bytes) throws IOException {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, bytes);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(bad).close());
        assertTrue(e.getMessage().startsWith("bad.gguf: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void rejectsTruncatedFilesAtEveryLengthWithOneLine() throws IOException {
        byte[] good = Files.readAllBytes(writeSample());
        for (int length = 0; length < good.length; length += 7) {
            corrupt(Arrays.copyOf(good, length));
        }
        assertTrue(corrupt(Arrays.copyOf(good, good.length - 1)).getMessage().contains("truncated"));
    }

    @Test
    void rejectsWrongMagicVersionAndType() throws IOException {
        byte[] good = Files.readAllBytes(writeSample());
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(corrupt(magic).getMessage().contains("not a GGUF file"));
        byte[] version = good.clone();
        ByteBuffer.wrap(version).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 9);
        assertTrue(corrupt(version).getMessage().contains("version 9"));
        int typeAt = indexOf(good, "m".getBytes()) ;
        byte[] type = good.clone();
        // tensor "m": name (u64 length + 'm'), n_dims u32, 2 dims u64, then the type u32
        ByteBuffer.wrap(type).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt + 1 + 4 + 16, 13);
        assertTrue(corrupt(type).getMessage().contains("Q5_K"), "names the unsupported type");
    }

    @Test
    void rejectsHugeCountsWithoutAllocating() throws IOException {
        byte[] good = Files.readAllBytes(writeSample());
        ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Long.MAX_VALUE);
        assertTrue(corrupt(good).getMessage().contains("out of range"));
    }

    @Test
    void missingFileIsOneLine() {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(dir.resolve("none.gguf")));
        assertEquals("none.gguf: no such file", e.getMessage());
    }

    /** Position of the tensor name "m" in the header: its u64 length (1) comes just before it. */
    private static int indexOf(byte[] data, byte[] name) {
        for (int i = 8; i < data.length; i++) {
            if (data[i] == name[0] && data[i - 8] == 1 && data[i - 7] == 0 && data[i + 1] == 2) return i;
        }
        throw new AssertionError("tensor name not found");
    }
}
