package io.hearth.runtime.deploy;

import io.hearth.runtime.Archives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionRegistryTest {
    @TempDir
    Path store;

    @Test
    void versionsPinningRollbackCanaryAndRestart() {
        FunctionRegistry registry = new FunctionRegistry(store);
        assertTrue(registry.deploy("greet", Archives.promptFunction("greet", "1", "Hi {{ name }}")).created());
        assertTrue(registry.deploy("greet", Archives.promptFunction("greet", "2", "Hello {{ name }}")).created());
        assertFalse(registry.deploy("greet", Archives.promptFunction("greet", "2", "Hello {{ name }}")).created(), "same bytes: idempotent");
        assertEquals("2", registry.resolve("greet").manifest().version());
        assertEquals("1", registry.resolve("greet@1").manifest().version());

        registry.split("greet", "1", 100);
        assertEquals("1", registry.resolve("greet").manifest().version(), "a 100% canary takes every unpinned call");
        registry.split("greet", "1", 0);
        assertEquals("2", registry.resolve("greet").manifest().version());

        registry.rollback("greet");
        assertEquals("1", registry.resolve("greet").manifest().version());

        FunctionRegistry restarted = new FunctionRegistry(store);
        assertEquals("1", restarted.resolve("greet").manifest().version(), "routing survives a restart");
        assertEquals(2, restarted.versionsOf("greet").size());
    }

    @Test
    void aSlowDeployCheckHoldsNoOtherCall() throws Exception {
        java.util.concurrent.CountDownLatch checking = new java.util.concurrent.CountDownLatch(1), release = new java.util.concurrent.CountDownLatch(1);
        FunctionRegistry registry = new FunctionRegistry(store, (archive, copy) -> {
            if (!archive.manifest().name().equals("slow")) return;
            checking.countDown();
            try {
                release.await(); // as a java function's process starting up for its check
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        registry.deploy("greet", Archives.promptFunction("greet", "1", "Hi"));
        // threads of their own: the common pool may have a single thread on a small machine
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> registry.deploy("slow", Archives.promptFunction("slow", "1", "Hi")), threads);
        assertTrue(checking.await(10, java.util.concurrent.TimeUnit.SECONDS));
        var resolved = java.util.concurrent.CompletableFuture.supplyAsync(() -> registry.resolve("greet"), threads);
        assertEquals("1", resolved.get(2, java.util.concurrent.TimeUnit.SECONDS).manifest().version(), "calls resolve while a deploy is checked");
        assertEquals(java.util.List.of("greet"), registry.names(), "and the checked version is not there before it passed");
        release.countDown();
        assertTrue(slow.get(10, java.util.concurrent.TimeUnit.SECONDS).created());
        assertEquals(java.util.List.of("greet", "slow"), registry.names().stream().sorted().toList());
        threads.shutdown();
    }

    @Test
    void anAdoptedRoutingNeverNamesAVersionThisServerCannotServe() {
        FunctionRegistry registry = new FunctionRegistry(store);
        registry.deploy("greet", Archives.promptFunction("greet", "1", "Hi"));
        FunctionRegistry.Routing toTwo = new FunctionRegistry.Routing("2", "1", null, 0);
        assertThrows(IllegalStateException.class, () -> registry.adopt("greet", toTwo, version -> null));
        assertEquals("1", registry.resolve("greet").manifest().version(), "no archive for 2: routing unchanged");
        assertThrows(ArchiveInvalidException.class,
                () -> registry.adopt("greet", toTwo, version -> Archives.promptFunction("greet", "3", "Hi")));
        assertEquals("1", registry.resolve("greet").manifest().version(), "an archive of another version: refused");

        byte[] two = Archives.promptFunction("greet", "2", "Hello");
        registry.adopt("greet", toTwo, version -> two);
        assertEquals("2", registry.resolve("greet").manifest().version());
        assertEquals("2", new FunctionRegistry(store).resolve("greet").manifest().version(), "adopted routing is stored");
    }

    @Test
    void anUndeployedFunctionIsGoneAndStaysGoneAfterARestart() {
        FunctionRegistry registry = new FunctionRegistry(store);
        registry.deploy("greet", Archives.promptFunction("greet", "1", "Hi"));
        registry.deploy("greet", Archives.promptFunction("greet", "2", "Hello"));
        registry.deploy("other", Archives.promptFunction("other", "1", "Yo"));
        assertEquals(java.util.List.of("1", "2"), registry.undeploy("greet"));
        assertThrows(FunctionNotFoundException.class, () -> registry.resolve("greet"));
        assertThrows(FunctionNotFoundException.class, () -> registry.undeploy("greet"));
        FunctionRegistry restarted = new FunctionRegistry(store);
        assertEquals(java.util.List.of("other"), restarted.names());
        assertTrue(restarted.deploy("greet", Archives.promptFunction("greet", "1", "Changed")).created(), "the name is free again");
    }

    /**
     * A full disk, for real: the file a write goes to is made a link to /dev/full, whose every write fails with
     * ENOSPC ("No space left on device"), as a full file system's would.
     */
    @Test
    void aDeployOnAFullDiskLeavesTheRunningVersionServing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isWritable(Path.of("/dev/full")), "needs /dev/full (Linux)");
        FunctionRegistry registry = new FunctionRegistry(store);
        registry.deploy("greet", Archives.promptFunction("greet", "1", "Hello {{ name }}"));
        Path dir = store.resolve("greet");

        java.nio.file.Files.createSymbolicLink(dir.resolve("2.zip.candidate"), Path.of("/dev/full"));
        var full = assertThrows(java.io.UncheckedIOException.class, () -> registry.deploy("greet", Archives.promptFunction("greet", "2", "Hi {{ name }}")));
        assertTrue(full.getCause().getMessage().contains("No space left on device"), full.getCause().getMessage());
        assertEquals("1", registry.resolve("greet").manifest().version(), "the running version keeps serving");
        assertFalse(java.nio.file.Files.exists(dir.resolve("2.zip")), "nothing of the new version is stored");
        assertFalse(java.nio.file.Files.exists(dir.resolve("2.zip.candidate"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "nor left behind");

        java.nio.file.Files.createSymbolicLink(dir.resolve("routing.json.tmp"), Path.of("/dev/full"));
        assertThrows(java.io.UncheckedIOException.class, () -> registry.deploy("greet", Archives.promptFunction("greet", "3", "Hey {{ name }}")));
        assertEquals("1", registry.resolve("greet").manifest().version(), "a routing that cannot be written changes nothing");
        assertFalse(java.nio.file.Files.exists(dir.resolve("routing.json.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "no temp file left");
        FunctionRegistry restarted = new FunctionRegistry(store);
        assertEquals("1", restarted.resolve("greet").manifest().version(), "and after a restart the routing on disk is whole");
        registry.deploy("greet", Archives.promptFunction("greet", "4", "Yo {{ name }}"));
        assertEquals("4", registry.resolve("greet").manifest().version(), "with room again, deploys go on");
    }

    @Test
    void aBadDeployChangesNothing() {
        FunctionRegistry registry = new FunctionRegistry(store);
        registry.deploy("greet", Archives.promptFunction("greet", "1", "Hi"));
        assertThrows(VersionConflictException.class, () -> registry.deploy("greet", Archives.promptFunction("greet", "1", "Changed")));
        assertThrows(ArchiveInvalidException.class, () -> registry.deploy("other", Archives.promptFunction("greet", "2", "Hi")));
        assertThrows(ArchiveInvalidException.class, () -> registry.deploy("greet", "not a zip".getBytes(StandardCharsets.UTF_8)));
        assertEquals("1", registry.resolve("greet").manifest().version());
        assertEquals(1, new FunctionRegistry(store).versionsOf("greet").size());
        assertThrows(FunctionNotFoundException.class, () -> registry.resolve("nope"));
        assertThrows(FunctionNotFoundException.class, () -> registry.resolve("greet@9"));
    }

    @Test
    void archivesAreCheckedBeforeAnythingIsStored() {
        Map<String, String> problems = new LinkedHashMap<>();
        problems.put("../evil", "not a plain relative path");
        problems.put("/etc/passwd", "not a plain relative path");
        for (var p : problems.entrySet()) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("function.yaml", "name: x\nversion: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\n".getBytes());
            entries.put(p.getKey(), new byte[1]);
            ArchiveInvalidException e = assertThrows(ArchiveInvalidException.class, () -> FunctionArchive.read(Archives.zip(entries)));
            assertTrue(e.getMessage().contains(p.getValue()), e.getMessage());
        }
        Map<String, byte[]> bomb = new LinkedHashMap<>();
        bomb.put("function.yaml", "name: x\nversion: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\n".getBytes());
        bomb.put("zeros", new byte[(int) FunctionArchive.MAX_UNCOMPRESSED_BYTES + 1]);
        byte[] small = Archives.zip(bomb);
        assertTrue(small.length < 1 << 20, "compresses to under 1 MB");
        assertTrue(assertThrows(ArchiveInvalidException.class, () -> FunctionArchive.read(small)).getMessage().contains("unpacks to more than"));
        assertTrue(assertThrows(ArchiveInvalidException.class, () -> FunctionArchive.read(Archives.zip(Map.of("a.txt", new byte[1]))))
                .getMessage().contains("no function.yaml"));
    }

    /** A zip whose entry "classes" is marked, as Info-ZIP's zip -y marks it, a Unix symbolic link (to /etc). */
    @Test
    void archivesWithSymbolicLinksAreRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("function.yaml", "name: x\nversion: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\n".getBytes());
        entries.put("classes", "/etc".getBytes());
        byte[] plain = Archives.zip(entries);
        FunctionArchive.read(plain);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(plain.clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int central = -1;
        for (int i = 0; i + 4 <= b.capacity(); i++) {
            if (b.getInt(i) == 0x02014b50 && new String(b.array(), i + 46, Short.toUnsignedInt(b.getShort(i + 28))).equals("classes")) central = i;
        }
        assertTrue(central > 0, "the entry's central directory header");
        b.putShort(central + 4, (short) (3 << 8 | 30)); // made by Unix
        b.putInt(central + 38, 0120777 << 16);          // lrwxrwxrwx
        var e = assertThrows(ArchiveInvalidException.class, () -> FunctionArchive.read(b.array()));
        assertTrue(e.getMessage().contains("'classes' is a symbolic link"), e.getMessage());
    }

    @Test
    void manifestErrorsSayWhatToFix() {
        Map<String, String> cases = Map.of(
                "version: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\n", "needs 'name'",
                "name: Bad_Name\nversion: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\n", "lowercase",
                "name: x\nversion: 1\nmodel: m\nkind: ruby\n", "kind must be",
                "name: x\nversion: 1\nmodel: m\nkind: java\n", "needs 'handler'",
                "name: x\nversion: 1\nmodel: m\nkind: prompt\n", "prompt.template",
                "name: x\nversion: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\nlimits: {concurrency: 0}\n", "concurrency",
                "name: x\nversion: 1\nmodel: m\nkind: prompt\nprompt: {template: t}\nscaling: {min_warm: -1}\n", "scaling.min_warm",
                "name: [x\n", "not valid YAML");
        for (var c : cases.entrySet()) {
            ArchiveInvalidException e = assertThrows(ArchiveInvalidException.class,
                    () -> FunctionManifest.parse(c.getKey().getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
    }
}
