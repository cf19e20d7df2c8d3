package io.hearth.pool;

/** A device replicas are placed on: its name ({@code cpu}, {@code cuda:0}) and the memory the pool may fill. */
public record DeviceInfo(String name, long usedBytes, long capacityBytes) {
}
