package io.hearth.runtime.deploy;

/** A function archive that cannot be deployed; the message says what to fix. Nothing was changed. */
public final class ArchiveInvalidException extends RuntimeException {
    public ArchiveInvalidException(String message) {
        super(message);
    }
}
