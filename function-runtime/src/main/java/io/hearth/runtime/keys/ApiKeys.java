package io.hearth.runtime.keys;

import io.hearth.runtime.keys.CallerDeniedException.Reason;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * API keys: created (the secret is shown once), listed, revoked; a presented key authenticated; each call admitted
 * within the key's rate limit (a token bucket per key on this server) and token quota (tokens per UTC day, counted
 * wherever {@link #usage} is kept: this server, or the whole cluster). Keys are {@code hk_<id>_<secret>}: the id
 * finds the stored key, the secret is checked against its salted hash.
 */
public final class ApiKeys {
    private static final Logger LOG = Logger.getLogger(ApiKeys.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "hk_";

    /** A key just created: the stored key and the one time its full text is known. */
    public record Created(ApiKey key, String secret) {
    }

    private final KeyFile file;
    private final Clock clock;
    private final ConcurrentMap<String, ApiKey> keys = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    /** Ids of revoked keys: a record of one, from the cluster or replayed there, is never taken back. */
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private volatile ConcurrentMap<String, Long> usage = new ConcurrentHashMap<>();
    private volatile Consumer<String> onChange = id -> { };
    private volatile boolean usageDirty;

    ApiKeys(KeyFile file, Clock clock) {
        this.file = file;
        this.clock = clock;
        KeyFile.Contents stored = file.read();
        for (ApiKey k : stored.keys()) keys.put(k.id(), k);
        usage.putAll(stored.usage());
        revoked.addAll(stored.revoked());
    }

    /** Makes a key; its name must be unused (409 otherwise: the tenant defaults to the name, so a twin would share its cache). */
    public synchronized Created create(KeyRequest request) {
        KeyRequest.Settings s = request.validated();
        if (keys.values().stream().anyMatch(k -> k.name().equals(s.name()))) {
            throw new KeyNameTakenException("an API key named " + s.name() + " exists already: choose another name, or revoke that key first");
        }
        String id = HexFormat.of().formatHex(random(6));
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        byte[] salt = random(16);
        ApiKey key = new ApiKey(id, s.name(), s.functions(), s.requestsPerMinute(), s.burst(), s.tokensPerDay(), s.tenant(),
                clock.instant().toString(), Base64.getEncoder().encodeToString(salt), Base64.getEncoder().encodeToString(ApiKey.digest(salt, secret)));
        keys.put(id, key);
        save();
        onChange.accept(id);
        return new Created(key, PREFIX + id + "_" + secret);
    }

    /** Every key, oldest first. */
    public List<ApiKey> list() {
        List<ApiKey> all = new ArrayList<>(keys.values());
        all.sort(Comparator.comparing(ApiKey::created).thenComparing(ApiKey::id));
        return all;
    }

    /** The key with this id; null if there is none. */
    public ApiKey get(String id) {
        return keys.get(id);
    }

    /** Revokes a key at once: its next request is refused. False if there was none. */
    public boolean revoke(String id) {
        if (keys.remove(id) == null) return false;
        revoked.add(id);
        buckets.remove(id);
        save();
        onChange.accept(id);
        return true;
    }

    /** The key a client presented, if it is one of ours; 401 if it is not. */
    public ApiKey authenticate(String presented) {
        String[] parts = presented.split("_", 3);
        ApiKey key = parts.length == 3 && (parts[0] + "_").equals(PREFIX) ? keys.get(parts[1]) : null;
        if (key == null || !key.verifies(parts[2])) {
            throw new CallerDeniedException(Reason.UNAUTHENTICATED, "the API key is not valid (mistyped, or revoked); ops create keys with POST /admin/keys");
        }
        return key;
    }

    /** Lets one request of {@code key} through, or says when to retry: its rate limit, then its token quota. */
    public void admit(ApiKey key) {
        long wait = buckets.computeIfAbsent(key.id(), id -> new TokenBucket(key.burst(), key.requestsPerMinute(), System.nanoTime()))
                .take(System.nanoTime());
        if (wait > 0) {
            throw new CallerDeniedException(Reason.RATE_LIMITED, "API key " + key.name() + " is over its rate limit of " + key.requestsPerMinute()
                    + " requests a minute (burst " + key.burst() + ")", Math.max(1, Duration.ofNanos(wait).toSeconds() + 1));
        }
        if (key.tokensPerDay() > 0 && usedToday(key.id()) >= key.tokensPerDay()) {
            throw new CallerDeniedException(Reason.QUOTA_EXCEEDED, "API key " + key.name() + " has used its quota of " + key.tokensPerDay()
                    + " tokens for today (UTC)", secondsToMidnight());
        }
    }

    /**
     * Reserves {@code tokens} of a key's quota for one call, atomically against every other call counted in
     * {@link #usage} (this server's, or the cluster's map); a call that would take the day's use past the quota is
     * refused (429). The hold is settled with what the call used: the unused part goes back.
     */
    public TokenBudget.Hold reserve(ApiKey key, long tokens) {
        String day = usageKey(key.id(), today());
        if (key.tokensPerDay() > 0) {
            while (true) {
                Long old = usage.get(day);
                long used = old == null ? 0 : old;
                if (used + tokens > key.tokensPerDay()) {
                    throw new CallerDeniedException(Reason.QUOTA_EXCEEDED, "API key " + key.name() + " has " + Math.max(0, key.tokensPerDay() - used)
                            + " of its " + key.tokensPerDay() + " tokens left today (UTC), and this call may use up to " + tokens
                            + " (its prompt's bound plus max_tokens): lower max_tokens or wait", secondsToMidnight());
                }
                if (old == null ? usage.putIfAbsent(day, tokens) == null : usage.replace(day, old, used + tokens)) break;
            }
        } else {
            usage.merge(day, tokens, Long::sum);
        }
        usageDirty = true;
        return used -> {
            long unused = tokens - Math.max(0, used);
            if (unused != 0) usage.merge(day, -unused, Long::sum);
            usageDirty = true;
        };
    }

    public long usedToday(String id) {
        return usage.getOrDefault(usageKey(id, today()), 0L);
    }

    /** Writes token use to the file if it changed since the last write; earlier days are dropped. */
    void flushUsage() {
        if (!usageDirty) return;
        usageDirty = false;
        String suffix = "/" + today();
        if (usage instanceof ConcurrentHashMap<String, Long> local) local.keySet().removeIf(k -> !k.endsWith(suffix));
        save();
    }

    // --- sharing with a cluster (ClusterApiKeys) ---

    /** Keeps token use in {@code shared} (the cluster's map) from now on, adding what this server counted so far. */
    void countUsageIn(ConcurrentMap<String, Long> shared) {
        usage.forEach((k, v) -> shared.merge(k, v, Long::sum));
        usage = shared;
    }

    void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    /** A key another server created or changed; false (and nothing taken) for a key revoked before. */
    boolean adopt(ApiKey key) {
        if (revoked.contains(key.id())) return false;
        keys.put(key.id(), key);
        save();
        return true;
    }

    /** A key another server revoked. */
    void forget(String id) {
        revoked.add(id);
        keys.remove(id);
        buckets.remove(id);
        save();
    }

    /** Ids of keys revoked here, or anywhere in the cluster while this server was in it. */
    Set<String> revokedIds() {
        return Set.copyOf(revoked);
    }

    private void save() {
        try {
            file.write(keys.values(), usage instanceof ConcurrentHashMap<String, Long> local ? local : Map.of(), revoked);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "API keys are not saved: " + e.getMessage() + "; they hold until the server stops", e);
        }
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    private long secondsToMidnight() {
        return Math.max(1, Duration.between(clock.instant(), today().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()).toSeconds());
    }

    private static String usageKey(String id, LocalDate day) {
        return id + "/" + day;
    }

    private static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b;
    }
}
