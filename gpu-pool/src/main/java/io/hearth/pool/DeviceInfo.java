package io.hearth.pool;

/**
 * A device: its name ({@code cpu}, {@code cuda:0}) and memory. For the CPU, what the pool's replicas hold of the
 * share it may fill; for a CUDA device (listed, not yet placed on), what is in use and its total, from the driver.
 */
public record DeviceInfo(String name, long usedBytes, long capacityBytes) {
}
