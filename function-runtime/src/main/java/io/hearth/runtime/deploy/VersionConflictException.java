package io.hearth.runtime.deploy;

/** A version that is already deployed with other contents: versions are immutable, deploy a new one. */
public final class VersionConflictException extends RuntimeException {
    public VersionConflictException(String message) {
        super(message);
    }
}
