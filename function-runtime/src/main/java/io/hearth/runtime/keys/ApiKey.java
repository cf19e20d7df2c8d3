package io.hearth.runtime.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * A stored API key: what it may call and how much, never its secret. The secret is kept as SHA-256 over a per-key
 * random salt and the secret: secrets are 256 random bits, so a slow password hash would add nothing, while the
 * salt keeps equal secrets (and precomputed tables) from matching across keys and stores.
 *
 * @param id                the key's public id, the first part of the key a client sends
 * @param functions         the functions it may call ({@code "*"}: every function, and every model through the
 *                          OpenAI API)
 * @param requestsPerMinute its rate limit, refilled continuously
 * @param burst             how many requests it may send at once after being idle
 * @param tokensPerDay      its token quota (prompt and completion tokens, per UTC day); 0: none
 * @param tenant            whose prompts it sends: its cached prompt blocks are shared only with keys of the same tenant
 * @param created           when it was made (ISO-8601)
 */
public record ApiKey(String id, String name, List<String> functions, int requestsPerMinute, int burst, long tokensPerDay,
                     String tenant, String created, String salt, String hash) {
    public static final String ALL = "*";

    public ApiKey {
        functions = List.copyOf(functions);
    }

    /** Whether this key may call the function (or, for an all-functions key, the model) named {@code name}. */
    public boolean mayCall(String name) {
        return functions.contains(ALL) || functions.contains(name);
    }

    public boolean mayCallEverything() {
        return functions.contains(ALL);
    }

    /** Whether {@code secret} is this key's, compared in constant time. */
    boolean verifies(String secret) {
        return MessageDigest.isEqual(Base64.getDecoder().decode(hash), digest(Base64.getDecoder().decode(salt), secret));
    }

    static byte[] digest(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
