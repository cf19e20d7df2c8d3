package io.hearth.engine.grammar;

/**
 * The string formats a schema may ask for, as patterns of {@link PatternGrammar}. Each writes only valid values
 * (days that exist in every year, offsets below ±18 hours (java.time's bound), no dots at the ends of an address's parts), a subset of what the format allows.
 */
final class Formats {
    static final String DATE = "[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))";
    static final String TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?(?:Z|[+-](?:0[0-9]|1[0-7]):[0-5][0-9])";
    static final String EMAIL = "[A-Za-z0-9_%+-]{1,16}(?:\\.[A-Za-z0-9_%+-]{1,15}){0,2}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?){0,3}\\.(?:com|org|net|edu|gov|io|dev|ai|app|info|co|uk|de|fr|nl|eu|us|ca|au|jp|ch|se|no|es|it)";

    private Formats() {
    }
}
