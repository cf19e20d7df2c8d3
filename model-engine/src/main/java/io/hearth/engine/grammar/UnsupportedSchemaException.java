package io.hearth.engine.grammar;

/** A schema the grammar compiler cannot honour exactly: it names the keyword, so the caller can fix the schema. */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    private final String keyword;

    public UnsupportedSchemaException(String keyword, String message) {
        super(message);
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
