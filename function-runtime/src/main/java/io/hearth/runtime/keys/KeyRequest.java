package io.hearth.runtime.keys;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /admin/keys}: {@code name} (required), {@code functions} (required: names, or {@code ["*"]} for
 * every function and model; an empty list is refused, never read as "all"), {@code rate_limit} ({@code requests_per_minute}, default 600; {@code burst}, default 60),
 * {@code token_quota} ({@code tokens_per_day}; absent: none) and {@code tenant} (default: the key's name, so keys
 * share cached prompts only when ops give them one tenant).
 */
public class KeyRequest {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern FUNCTION = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public String name;
    public List<String> functions;
    public RateLimit rate_limit;
    public TokenQuota token_quota;
    public String tenant;

    public static class RateLimit {
        public Integer requests_per_minute;
        public Integer burst;
    }

    public static class TokenQuota {
        public Long tokens_per_day;
    }

    /** The key's settings, defaults filled in; an IllegalArgumentException (400) says what to fix. */
    Settings validated() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (functions == null || functions.isEmpty()) {
            throw new IllegalArgumentException("functions is required: the names of the functions the key may call, or [\"*\"] for every function and model");
        }
        List<String> scope = List.copyOf(functions);
        for (String f : scope) {
            if (f == null || !(f.equals(ApiKey.ALL) || FUNCTION.matcher(f).matches())) {
                throw new IllegalArgumentException("functions must be function names (lowercase letters, digits, '-') or \"*\" for all; got " + f);
            }
        }
        int perMinute = rate_limit != null && rate_limit.requests_per_minute != null ? rate_limit.requests_per_minute : 600;
        int burst = rate_limit != null && rate_limit.burst != null ? rate_limit.burst : Math.min(60, perMinute);
        if (perMinute < 1 || perMinute > 1_000_000) throw new IllegalArgumentException("rate_limit.requests_per_minute must be 1 to 1000000");
        if (burst < 1 || burst > 100_000) throw new IllegalArgumentException("rate_limit.burst must be 1 to 100000");
        long quota = token_quota != null && token_quota.tokens_per_day != null ? token_quota.tokens_per_day : 0;
        if (quota < 0) throw new IllegalArgumentException("token_quota.tokens_per_day must not be negative (leave it out for no quota)");
        String owner = tenant == null || tenant.isBlank() ? name : tenant;
        if (!NAME.matcher(owner).matches()) throw new IllegalArgumentException("tenant: 1 to 64 letters, digits, '.', '_' or '-'");
        return new Settings(name, scope, perMinute, burst, quota, owner);
    }

    record Settings(String name, List<String> functions, int requestsPerMinute, int burst, long tokensPerDay, String tenant) {
    }
}
