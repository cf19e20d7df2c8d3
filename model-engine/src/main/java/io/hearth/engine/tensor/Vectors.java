package io.hearth.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Fixed vector species for the kernels. Species are static finals so the JIT folds them (a species chosen at run time
 * per call was several times slower in Lucene's experience). Byte and short species are sized so that one load
 * widens to exactly one float vector. Kernels need at least 8 float lanes (AVX2, AVX-512, SVE-256); with fewer, the
 * tensors fall back to their scalar paths.
 */
final class Vectors {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final boolean ENABLED = L >= 8 && !Boolean.getBoolean("hearth.engine.scalar");
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Vectors() {
    }

    static FloatVector bytesToFloats(ByteVector q) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
    }

    /** L float16 values at {@code offset}, widened exactly (normal and subnormal; weights hold no inf/NaN). */
    static FloatVector loadF16(MemorySegment data, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, data, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        // The sign-extended half shifted left by 13 has exponent and mantissa in float position (bits 27..13) and the
        // sign in bit 31; the mask clears the copies of the sign in bits 30..28. Multiplying by 2^112 rebiases the
        // exponent (15 -> 127) and normalises subnormals. Three integer/float ops per vector, no blend.
        return h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
    }

    /** L bytes at {@code offset}, zero-extended to int lanes: nibble and bit-field work is cheap there (x86 has no byte shifts). */
    static IntVector loadUnsignedBytes(MemorySegment data, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(B, data, offset, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** L bfloat16 values at {@code offset}: the upper half of a float32. */
    static FloatVector loadBF16(MemorySegment data, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, data, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
