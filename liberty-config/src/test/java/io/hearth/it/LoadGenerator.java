package io.hearth.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closed-loop load on one endpoint: {@code clients} callers each send the same request back to back for a while, and
 * every answer is counted by what it was: accepted (2xx, its latency kept), shed (429), a server error (5xx), another
 * status, or no answer within the timeout. A shed caller waits as its 429's Retry-After says, as OpenAI's clients do
 * (or not, for a caller that ignores it). Bounded in time and count; meant for loopback.
 */
final class LoadGenerator {
    /** What one load level saw. Latencies are of accepted requests only, in milliseconds. */
    record Level(String name, int clients, double seconds, int accepted, int shed, int serverErrors, int otherStatus, int noAnswer,
                        double p50Ms, double p99Ms, double acceptedPerSecond) {
        public int requests() {
            return accepted + shed + serverErrors + otherStatus + noAnswer;
        }
    }

    private final HttpClient http;
    private final URI target;
    private final String authorization;
    private final String body;
    private final Duration timeout;
    private final boolean honourRetryAfter;

    LoadGenerator(HttpClient http, URI target, String authorization, String body, Duration timeout, boolean honourRetryAfter) {
        this.honourRetryAfter = honourRetryAfter;
        this.http = http;
        this.target = target;
        this.authorization = authorization;
        this.body = body;
        this.timeout = timeout;
    }

    /** Runs {@code clients} callers for {@code duration} (each stops after at most {@code maxPerClient} requests). */
    Level run(String name, int clients, Duration duration, int maxPerClient) throws InterruptedException {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger shed = new AtomicInteger(), serverErrors = new AtomicInteger(), other = new AtomicInteger(), noAnswer = new AtomicInteger();
        long start = System.nanoTime(), end = start + duration.toNanos();
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            callers.add(Thread.ofPlatform().name("load-" + name + "-" + c).start(() -> {
                for (int i = 0; i < maxPerClient && System.nanoTime() < end; i++) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<Void> answer = answer();
                        int status = answer.statusCode();
                        if (status / 100 == 2) latencies.add((System.nanoTime() - sent) / 1e6);
                        else if (status == 429) {
                            shed.incrementAndGet();
                            if (honourRetryAfter) backOff(answer, end);
                        }
                        else if (status >= 500) serverErrors.incrementAndGet();
                        else other.incrementAndGet();
                    } catch (java.io.IOException e) {
                        noAnswer.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread t : callers) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Level(name, clients, seconds, sorted.size(), shed.get(), serverErrors.get(), other.get(), noAnswer.get(),
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.size() / seconds);
    }

    /** One request now: its status (an IOException when none came within the timeout). */
    int send() throws java.io.IOException, InterruptedException {
        return answer().statusCode();
    }

    private HttpResponse<Void> answer() throws java.io.IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) request.header("Authorization", authorization);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** Waits the seconds a 429 asks for, but not past the end of the level. */
    private static void backOff(HttpResponse<Void> shed, long end) throws InterruptedException {
        long seconds = shed.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
        long nanos = Math.min(Duration.ofSeconds(seconds).toNanos(), end - System.nanoTime());
        if (nanos > 0) Thread.sleep(Duration.ofNanos(nanos));
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) return Double.NaN;
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
