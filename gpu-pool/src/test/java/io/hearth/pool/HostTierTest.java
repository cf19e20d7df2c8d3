package io.hearth.pool;

import io.hearth.engine.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kept mapping comes back only for the same, unchanged file, and is unmapped whenever it is given up. */
class HostTierTest {
    @TempDir
    Path dir;

    private static boolean unmapped(Model model) {
        try {
            model.file().data().get(ValueLayout.JAVA_BYTE, 0);
            return false;
        } catch (IllegalStateException closed) {
            return true;
        }
    }

    @Test
    void anUnchangedFileGetsItsMappingBack() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        try (HostTier tier = new HostTier()) {
            Model model = Model.load(file);
            tier.keep(file, model);
            assertTrue(tier.holds());
            assertSame(model, tier.take(file));
            assertFalse(tier.holds(), "taken, not shared: the replica owns it now");
            assertNull(tier.take(file));
            model.close();
        }
    }

    @Test
    void aChangedFileIsAnotherModel() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        try (HostTier tier = new HostTier()) {
            Model model = Model.load(file);
            tier.keep(file, model);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
            assertNull(tier.take(file), "the file was written since it was mapped");
            assertTrue(unmapped(model));
        }
    }

    @Test
    void oneMappingIsKeptAndEveryOtherIsUnmapped() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        Path other = TestModels.tiny(dir, "other.gguf", 43);
        Model first = Model.load(file), second = Model.load(file), elsewhere = Model.load(other);
        HostTier tier = new HostTier();
        tier.keep(file, first);
        tier.keep(file, second);
        assertTrue(unmapped(second), "a second replica's mapping is not kept beside the first");
        assertNull(tier.take(other), "asked for another path");
        assertTrue(unmapped(first), "a mapping nobody can use is given up");
        tier.keep(other, elsewhere);
        tier.close();
        assertTrue(unmapped(elsewhere), "closing the tier (evict, shutdown) unmaps what it held");
        assertThrows(IllegalStateException.class, () -> elsewhere.file().data().get(ValueLayout.JAVA_BYTE, 0));
    }
}
