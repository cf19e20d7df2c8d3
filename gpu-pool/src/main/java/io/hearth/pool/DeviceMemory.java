package io.hearth.pool;

/**
 * A device's memory budget, so the pool never oversubscribes it: a replica reserves its weights and KV cache before
 * it loads, and a load that would not fit is refused with the figures. The CPU device's budget is a share of the
 * machine's physical memory (the rest is the JVM heap, the page cache that serves as host tier, the OS).
 */
final class DeviceMemory {
    private final String device;
    private final long capacity;
    private long reserved;

    DeviceMemory(String device, long capacity) {
        this.device = device;
        this.capacity = capacity;
    }

    static DeviceMemory cpu(double share) {
        long physical = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return new DeviceMemory("cpu", (long) (physical * share));
    }

    synchronized void reserve(long bytes, String what) {
        if (reserved + bytes > capacity) {
            throw new ModelUnavailableException(what + " needs " + mib(bytes) + " MiB on " + device + ", which has "
                    + mib(capacity - reserved) + " MiB free of " + mib(capacity) + " MiB; unload another model or lower its context", true);
        }
        reserved += bytes;
    }

    synchronized void release(long bytes) {
        reserved -= bytes;
    }

    String device() {
        return device;
    }

    synchronized long used() {
        return reserved;
    }

    long capacity() {
        return capacity;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }
}
