package io.hearth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 as an attacker writes it: the request line byte for byte (no client normalizes {@code ;x}, {@code //},
 * {@code %66} or {@code ..} away), optionally from another loopback address, over plain HTTP or TLS.
 */
final class RawHttp {
    /** A status line's code and the body, as received. */
    record Answer(int status, String headers, String body) {
    }

    private RawHttp() {
    }

    static Answer send(String base, String method, String rawPath, Map<String, String> headers, String body) throws IOException {
        return send(base, null, method, rawPath, headers, body);
    }

    /** As above, the connection made from {@code from} (another loopback address: the server sees another client). */
    static Answer send(String base, String from, String method, String rawPath, Map<String, String> headers, String body) throws IOException {
        URI uri = URI.create(base);
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        Socket plain = new Socket();
        if (from != null) plain.bind(new InetSocketAddress(from, 0));
        plain.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        plain.setSoTimeout(60_000);
        try (Socket socket = uri.getScheme().equals("https")
                ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, uri.getHost(), uri.getPort(), true) : plain) {
            StringBuilder request = new StringBuilder(method + " " + rawPath + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) request.append("Content-Length: ").append(content.length).append("\r\n");
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            String response = read(socket.getInputStream());
            int split = response.indexOf("\r\n\r\n");
            String head = split < 0 ? response : response.substring(0, split);
            String rest = split < 0 ? "" : response.substring(split + 4);
            return new Answer(Integer.parseInt(head.substring(9, 12)), head, head.toLowerCase().contains("transfer-encoding: chunked") ? unchunk(rest) : rest);
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) break;
            int size = Integer.parseInt(chunked.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) break;
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
