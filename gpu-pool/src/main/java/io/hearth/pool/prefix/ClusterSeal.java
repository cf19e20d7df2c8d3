package io.hearth.pool.prefix;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster secret ({@code hearth.cluster.secret}) at work. Hazelcast's open-source edition has no member or client
 * authentication and no TLS, so the secret does two things Hearth can enforce itself:
 * <ul>
 *   <li>it is part of the Hazelcast cluster name, so a member or client that does not know it is turned away at the
 *       handshake (the name travels in clear, like any Hazelcast cluster name: on an untrusted network, keep the
 *       port on a private link);</li>
 *   <li>every value Hearth puts in a shared map or cache (API keys, function archives and routing, token use, KV
 *       blocks) is sealed with AES-GCM under a key derived from it, bound to the map and entry it was written to. An
 *       entry that does not open (forged, moved to another key, or damaged) is ignored and reported; nobody without
 *       the secret can read one.</li>
 * </ul>
 */
public final class ClusterSeal {
    /** A secret shorter than this is refused: it must resist guessing by anyone who can reach the port. */
    public static final int MIN_SECRET_CHARS = 16;
    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final System.Logger LOG = System.getLogger(ClusterSeal.class.getName());

    private final SecretKeySpec key;
    private final String nameSuffix;
    private final java.util.concurrent.atomic.AtomicLong rejected = new java.util.concurrent.atomic.AtomicLong();

    private ClusterSeal(byte[] secret) {
        this.key = new SecretKeySpec(derive(secret, "hearth cluster seal v1"), "AES");
        this.nameSuffix = HexFormat.of().formatHex(derive(secret, "hearth cluster name v1"), 0, 8);
    }

    /** The seal of a configured secret; too short a secret is an IllegalArgumentException saying so. */
    public static ClusterSeal of(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_CHARS) {
            throw new IllegalArgumentException("hearth.cluster.secret (HEARTH_CLUSTER_SECRET) must be at least " + MIN_SECRET_CHARS
                    + " characters, the same on every member (for example: openssl rand -base64 32)");
        }
        return new ClusterSeal(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** A seal nobody else knows: for a cluster of one, which no other process can then join or read. */
    public static ClusterSeal random() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new ClusterSeal(secret);
    }

    /** The Hazelcast cluster name members with this secret share: {@code name} and a tag derived from the secret. */
    public String clusterName(String name) {
        return name + "-" + nameSuffix;
    }

    /** {@code plain} sealed for the entry {@code where} (a map's name and the entry's key). */
    public byte[] seal(String where, byte[] plain) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, where);
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE + cipher.getOutputSize(plain.length));
            out.put(VERSION).put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plain), out);
            return out.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /** The value sealed for {@code where}, or null when {@code sealed} was not sealed there with this secret. */
    public byte[] open(String where, byte[] sealed) {
        if (sealed == null || sealed.length < 1 + NONCE + TAG_BITS / 8 || sealed[0] != VERSION) return null;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOfRange(sealed, 1, 1 + NONCE), where);
            return cipher.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
        } catch (AEADBadTagException forged) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /**
     * As {@link #open}, but an entry that is there and does not open is reported: logged, and counted in
     * {@link #rejected()}, since it means someone without the secret wrote to the cluster (or memory rotted).
     */
    public byte[] openOrReport(String where, byte[] sealed) {
        if (sealed == null) return null;
        byte[] plain = open(where, sealed);
        if (plain == null) {
            rejected.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "cluster entry " + where + " is not sealed with this cluster's secret (forged, moved or damaged): ignored");
        }
        return plain;
    }

    /** Entries read from the cluster that did not open, since this server started. */
    public long rejected() {
        return rejected.get();
    }

    public byte[] sealText(String where, String text) {
        return seal(where, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The text sealed for {@code where}, or null when the entry does not open (reported as {@link #openOrReport} does). */
    public String openText(String where, byte[] sealed) {
        byte[] plain = openOrReport(where, sealed);
        return plain == null ? null : new String(plain, StandardCharsets.UTF_8);
    }

    private Cipher cipher(int mode, byte[] nonce, String where) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(where.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] derive(byte[] secret, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }
}
