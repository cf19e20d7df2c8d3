package io.hearth.engine.gguf;

import java.nio.file.Path;

/** A GGUF file that cannot be used: truncated, corrupt or of an unsupported kind. The message is one line naming the file. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(Path file, String problem) {
        super(file.getFileName() + ": " + problem);
    }
}
