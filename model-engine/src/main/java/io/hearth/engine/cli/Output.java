package io.hearth.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON lines for --json output. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {
    }

    static void json(Object value) {
        try {
            System.out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
