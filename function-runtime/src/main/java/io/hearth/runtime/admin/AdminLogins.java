package io.hearth.runtime.admin;

import io.hearth.runtime.config.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Failed admin logins per client address, so the admin password cannot be guessed at the speed of the network:
 * after {@code hearth.admin.login.max-failures} (10) failures within {@code hearth.admin.login.window} (10 minutes)
 * an address is locked out until its oldest failure leaves the window. While locked, a right password is answered
 * as a wrong one is (429), so a guess cannot be confirmed by the answer. Liberty's own REST JMX connector checks its
 * logins itself and is not covered (README says so).
 */
@ApplicationScoped
public class AdminLogins {
    @Inject
    Config config;

    private final ConcurrentMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    /** Counts a failed login from {@code address}; addresses whose failures all left the window are forgotten. */
    public void failed(String address) {
        failures.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                prune(e.getValue());
                return e.getValue().isEmpty() && !e.getKey().equals(address);
            }
        });
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            prune(times);
            times.addLast(System.nanoTime());
            while (times.size() > maxFailures()) times.removeFirst();
        }
    }

    /** Seconds until {@code address} may try again; 0 when it is not locked out. */
    public long lockedForSeconds(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) return 0;
        synchronized (times) {
            prune(times);
            if (times.size() < maxFailures()) return 0;
            return Math.max(1, Duration.ofNanos(times.peekFirst() + window().toNanos() - System.nanoTime()).toSeconds() + 1);
        }
    }

    private void prune(Deque<Long> times) {
        long oldest = System.nanoTime() - window().toNanos();
        while (!times.isEmpty() && times.peekFirst() - oldest < 0) times.removeFirst();
    }

    private int maxFailures() {
        return config.getOptionalValue("hearth.admin.login.max-failures", Integer.class).orElse(10);
    }

    private Duration window() {
        return Durations.parse(config.getOptionalValue("hearth.admin.login.window", String.class).orElse("10m"));
    }
}
