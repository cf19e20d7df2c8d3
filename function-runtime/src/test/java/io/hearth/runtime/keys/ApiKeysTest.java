package io.hearth.runtime.keys;

import com.hazelcast.core.HazelcastInstance;
import io.hearth.runtime.keys.CallerDeniedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static io.hearth.runtime.ClusterMembers.SEAL;
import static io.hearth.runtime.ClusterMembers.await;
import static io.hearth.runtime.ClusterMembers.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API keys: the secret is shown once and stored only as a salted hash; a key authenticates until revoked, is held to
 * its rate limit and daily token quota, survives a restart, and in a cluster works, stops and counts on every server.
 */
class ApiKeysTest {
    @TempDir
    Path dir;

    private static KeyRequest request(String name, List<String> functions, Integer perMinute, Integer burst, Long tokensPerDay) {
        KeyRequest r = new KeyRequest();
        r.name = name;
        r.functions = functions == null ? List.of(ApiKey.ALL) : functions;
        if (perMinute != null || burst != null) {
            r.rate_limit = new KeyRequest.RateLimit();
            r.rate_limit.requests_per_minute = perMinute;
            r.rate_limit.burst = burst;
        }
        if (tokensPerDay != null) {
            r.token_quota = new KeyRequest.TokenQuota();
            r.token_quota.tokens_per_day = tokensPerDay;
        }
        return r;
    }

    private static Reason refusal(Runnable call) {
        return assertThrows(CallerDeniedException.class, call::run).reason();
    }

    @Test
    void aKeyAuthenticatesUntilRevokedAndOnlyItsHashIsStored() throws Exception {
        Path file = dir.resolve("keys.json");
        ApiKeys keys = new ApiKeys(new KeyFile(file), Clock.systemUTC());
        ApiKeys.Created made = keys.create(request("team-a-app", List.of("summarize"), null, null, null));
        String secret = made.secret();
        assertTrue(secret.startsWith("hk_" + made.key().id() + "_"), secret);
        assertEquals(made.key(), keys.authenticate(secret));
        assertTrue(keys.authenticate(secret).mayCall("summarize"));
        assertFalse(keys.authenticate(secret).mayCall("classify"), "scoped to its functions");
        assertEquals("team-a-app", made.key().tenant(), "a key is its own tenant unless given one");

        String stored = Files.readString(file);
        assertFalse(stored.contains(secret.substring(secret.lastIndexOf('_') + 1)), "the secret is never stored");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertEquals(Reason.UNAUTHENTICATED, refusal(() -> keys.authenticate(secret.substring(0, secret.length() - 1) + "x")), "one character off");
        assertEquals(Reason.UNAUTHENTICATED, refusal(() -> keys.authenticate("not-a-key")));
        ApiKeys restarted = new ApiKeys(new KeyFile(file), Clock.systemUTC());
        assertEquals(made.key(), restarted.authenticate(secret), "keys survive a restart");
        assertTrue(restarted.revoke(made.key().id()));
        assertEquals(Reason.UNAUTHENTICATED, refusal(() -> restarted.authenticate(secret)), "revoked: refused at once");
        assertFalse(restarted.revoke(made.key().id()));
        assertTrue(new ApiKeys(new KeyFile(file), Clock.systemUTC()).list().isEmpty(), "and revoked for good");
    }

    @Test
    void requestsBeyondTheRateLimitAreToldWhenToRetry() {
        ApiKeys keys = new ApiKeys(new KeyFile(dir.resolve("keys.json")), Clock.systemUTC());
        ApiKey key = keys.create(request("bursty", null, 6, 2, null)).key();
        keys.admit(key);
        keys.admit(key);
        CallerDeniedException e = assertThrows(CallerDeniedException.class, () -> keys.admit(key));
        assertEquals(Reason.RATE_LIMITED, e.reason());
        assertTrue(e.retryAfterSeconds() >= 1 && e.retryAfterSeconds() <= 11, "6 a minute: one every 10 s, got " + e.retryAfterSeconds());
        ApiKey other = keys.create(request("calm", null, 6, 2, null)).key();
        keys.admit(other);
    }

    @Test
    void aKeyOverItsDailyTokenQuotaWaitsForTheNextUtcDay() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T23:00:00Z"));
        Path file = dir.resolve("keys.json");
        ApiKeys keys = new ApiKeys(new KeyFile(file), clock);
        ApiKey key = keys.create(request("metered", null, null, null, 100L)).key();
        keys.admit(key);
        keys.reserve(key, 60).settle(60);
        keys.admit(key);
        assertEquals(Reason.QUOTA_EXCEEDED, refusal(() -> keys.reserve(key, 60)), "60 more would pass the quota: refused before the call runs");
        keys.reserve(key, 40).settle(40);
        CallerDeniedException e = assertThrows(CallerDeniedException.class, () -> keys.admit(key));
        assertEquals(Reason.QUOTA_EXCEEDED, e.reason());
        assertEquals(3600, e.retryAfterSeconds(), "until midnight UTC");
        keys.flushUsage();
        ApiKeys restarted = new ApiKeys(new KeyFile(file), clock);
        assertEquals(100, restarted.usedToday(key.id()), "use survives a restart");
        assertEquals(Reason.QUOTA_EXCEEDED, refusal(() -> restarted.admit(key)));
        clock.now = Instant.parse("2026-11-23T00:00:01Z");
        restarted.admit(key);
        assertEquals(0, restarted.usedToday(key.id()));
    }

    @Test
    void concurrentCallsReserveTheirMostSoTogetherTheyNeverPassTheQuota() throws Exception {
        ApiKeys keys = new ApiKeys(new KeyFile(dir.resolve("keys.json")), Clock.systemUTC());
        ApiKey key = keys.create(request("raced", null, null, null, 1000L)).key();
        int calls = 16;
        java.util.concurrent.CountDownLatch allReserved = new java.util.concurrent.CountDownLatch(calls);
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < calls; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                TokenBudget.Hold hold = null;
                try {
                    hold = keys.reserve(key, 100);
                    admitted.incrementAndGet();
                } catch (CallerDeniedException refused) {
                    assertEquals(Reason.QUOTA_EXCEEDED, refused.reason());
                }
                allReserved.countDown();
                try {
                    allReserved.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (hold != null) hold.settle(70);
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(10, admitted.get(), "ten calls of at most 100 tokens fit a quota of 1000 at once, the other six are refused");
        assertEquals(700, keys.usedToday(key.id()), "each settled what it used; the unused part went back");
    }

    @Test
    void anEmptyScopeGrantsNothingAndNamesAreUnique() {
        ApiKeys keys = new ApiKeys(new KeyFile(dir.resolve("keys.json")), Clock.systemUTC());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create(request("empty", List.of(), null, null, null)))
                .getMessage().contains("functions is required"), "an empty list is not all-access");
        KeyRequest unscoped = request("unscoped", null, null, null, null);
        unscoped.functions = null;
        assertThrows(IllegalArgumentException.class, () -> keys.create(unscoped), "all-access is asked for explicitly");
        keys.create(request("team-a", List.of("chat"), null, null, null));
        assertThrows(KeyNameTakenException.class, () -> keys.create(request("team-a", List.of("*"), null, null, null)),
                "a twin would share team-a's tenant and its cached prompts");
        assertEquals(1, keys.list().size());
    }

    @Test
    void badRequestsSayWhatToFix() {
        ApiKeys keys = new ApiKeys(new KeyFile(dir.resolve("keys.json")), Clock.systemUTC());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create(request(null, null, null, null, null))).getMessage().contains("name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create(request("x", List.of("../etc"), null, null, null))).getMessage().contains("functions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create(request("x", null, 0, null, null))).getMessage().contains("requests_per_minute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> keys.create(request("x", null, null, null, -1L))).getMessage().contains("tokens_per_day"));
        assertTrue(keys.list().isEmpty());
    }

    @Test
    void inAClusterAKeyWorksStopsAndCountsOnEveryServer() throws Exception {
        String cluster = "hearth-keys-" + ProcessHandle.current().pid();
        HazelcastInstance hzA = member(cluster, 15821, 15822), hzB = member(cluster, 15822, 15821);
        try {
            ApiKeys a = new ApiKeys(new KeyFile(dir.resolve("a.json")), Clock.systemUTC());
            ApiKeys b = new ApiKeys(new KeyFile(dir.resolve("b.json")), Clock.systemUTC());
            ApiKeys.Created early = a.create(request("made-before-joining", null, null, null, 1000L));
            try (ClusterApiKeys sharedA = new ClusterApiKeys(hzA, SEAL, a); ClusterApiKeys sharedB = new ClusterApiKeys(hzB, SEAL, b)) {
                assertEquals(early.key(), b.authenticate(early.secret()), "a joining server takes the cluster's keys");
                ApiKeys.Created made = b.create(request("made-on-b", List.of("chat"), null, null, null));
                await("a key made on B works on A", () -> a.get(made.key().id()) != null);
                assertEquals(made.key(), a.authenticate(made.secret()));
                a.reserve(early.key(), 400).settle(400);
                b.reserve(early.key(), 600).settle(600);
                assertEquals(1000, a.usedToday(early.key().id()), "token use counts across the cluster");
                assertEquals(Reason.QUOTA_EXCEEDED, refusal(() -> a.admit(early.key())));
                a.revoke(made.key().id());
                await("a key revoked on A stops on B", () -> b.get(made.key().id()) == null);
                assertEquals(Reason.UNAUTHENTICATED, refusal(() -> b.authenticate(made.secret())));
            }
            assertNull(new ApiKeys(new KeyFile(dir.resolve("b.json")), Clock.systemUTC()).get(early.key().id() + "x"));
            assertEquals(early.key(), new ApiKeys(new KeyFile(dir.resolve("b.json")), Clock.systemUTC()).authenticate(early.secret()),
                    "keys learnt from the cluster are kept for a restart alone");
        } finally {
            hzB.shutdown();
            hzA.shutdown();
        }
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aKeyForgedIntoTheClustersMapIsAcceptedNowhere() throws Exception {
        String cluster = "hearth-forged-keys-" + ProcessHandle.current().pid();
        HazelcastInstance hz = member(cluster, 15823);
        try {
            ApiKeys keys = new ApiKeys(new KeyFile(dir.resolve("a.json")), Clock.systemUTC());
            long before = SEAL.rejected();
            try (ClusterApiKeys shared = new ClusterApiKeys(hz, SEAL, keys)) {
                // the attacker's own key record: its salt and hash, every function; plain, and sealed with a guessed secret
                byte[] salt = new byte[16];
                String secret = "attacker-secret";
                ApiKey forged = new ApiKey("0badc0ffee00", "intruder", List.of(ApiKey.ALL), 600, 60, 0, "intruder", "2026-01-01T00:00:00Z",
                        java.util.Base64.getEncoder().encodeToString(salt), java.util.Base64.getEncoder().encodeToString(ApiKey.digest(salt, secret)));
                String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(forged);
                com.hazelcast.map.IMap<String, byte[]> map = hz.getMap("hearth-api-keys");
                map.put(forged.id(), json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                map.put(forged.id(), io.hearth.pool.prefix.ClusterSeal.of("a-guess-at-the-secret").sealText("hearth-api-keys/" + forged.id(), json));
                await("both forgeries were seen and reported", () -> SEAL.rejected() >= before + 2);
                assertNull(keys.get(forged.id()));
                assertEquals(Reason.UNAUTHENTICATED, refusal(() -> keys.authenticate("hk_" + forged.id() + "_" + secret)));
                // a genuine record moved to another id does not open either: the seal is bound to its entry
                ApiKeys.Created honest = keys.create(request("honest", List.of("chat"), null, null, null));
                await("published", () -> map.containsKey(honest.key().id()));
                map.put("00000000beef", map.get(honest.key().id()));
                await("reported", () -> SEAL.rejected() >= before + 3);
                assertNull(keys.get("00000000beef"));
                // a revoked key's old record, kept and put back, is refused: the revocation is remembered
                byte[] kept = map.get(honest.key().id());
                keys.revoke(honest.key().id());
                await("the tombstone is shared", () -> !java.util.Arrays.equals(map.get(honest.key().id()), kept));
                map.put(honest.key().id(), kept);
                Thread.sleep(500);
                assertNull(keys.get(honest.key().id()), "the replayed record is not taken back");
                assertEquals(Reason.UNAUTHENTICATED, refusal(() -> keys.authenticate(honest.secret())));
                await("and the tombstone is put back", () -> !java.util.Arrays.equals(map.get(honest.key().id()), kept));
            }
        } finally {
            hz.shutdown();
        }
    }
}
