package io.hearth.host;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;

/**
 * Frames between the server and a function host: a 4-byte length, then a JSON object with a {@code type}. Used on
 * both sides of the host's standard input and output; sends are serialised, reads are one reader's.
 */
public final class Channel {
    /** A frame larger than this is a broken peer, not a message (inputs are 1 MiB at most, outputs similar). */
    private static final int MAX_FRAME = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataInputStream in;
    private final DataOutputStream out;

    public Channel(DataInputStream in, DataOutputStream out) {
        this.in = in;
        this.out = out;
    }

    public synchronized void send(Map<String, ?> frame) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(frame);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** The next frame, or null when the peer closed the stream. */
    public Map<String, Object> read() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException closed) {
            return null;
        }
        if (length < 0 || length > MAX_FRAME) throw new IOException("a frame of " + length + " bytes: the peer is broken");
        return JSON.readValue(in.readNBytes(length), new TypeReference<>() { });
    }
}
