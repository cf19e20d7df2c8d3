package io.hearth.engine.grammar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.hearth.engine.grammar.GrammarText.accepts;
import static io.hearth.engine.grammar.GrammarText.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonSchemaGrammarTest {
    private static void valid(String schema, String... texts) {
        Grammar g = schema(schema);
        for (String t : texts) assertTrue(accepts(g, t), () -> schema + " should accept " + t);
    }

    private static void invalid(String schema, String... texts) {
        Grammar g = schema(schema);
        for (String t : texts) assertFalse(accepts(g, t), () -> schema + " should refuse " + t);
    }

    @Test
    void scalarTypes() {
        valid("{\"type\":\"string\"}", "\"\"", "\"a b\"", "\"\\\"q\\\\\"", "\"\\u00e9\"", "\"héllo 日本 😀\"");
        invalid("{\"type\":\"string\"}", "\"", "\"a\nb\"", "\"\\x\"", "\"\\ud800\"", "a", "\"\"x");
        valid("{\"type\":\"number\"}", "0", "-1.5", "3e10", "2.5E-3", "123456");
        invalid("{\"type\":\"number\"}", "01", "1.", ".5", "+1", "1e", "NaN", "1e999");
        valid("{\"type\":\"integer\"}", "0", "-7", "999999999", "-999999999");
        invalid("{\"type\":\"integer\"}", "1.0", "1234567890", "00");
        valid("{\"type\":\"integer\",\"minimum\":5000000000}", "5000000000", "5000000001");
        valid("{\"type\":\"boolean\"}", "true", "false");
        invalid("{\"type\":\"boolean\"}", "True", "1");
        valid("{\"type\":\"null\"}", "null");
        valid("{\"type\":[\"string\",\"null\"]}", "null", "\"x\"");
        invalid("{\"type\":[\"string\",\"null\"]}", "1");
    }

    @Test
    void objectsKeepDeclaredOrderRequiredAndOptional() {
        String s = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"},\"c\":{\"type\":\"boolean\"}},\"required\":[\"b\"]}";
        valid(s, "{\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\",\"c\":true}", "{ \"b\" : \"x\" , \"c\" : false }", "{\"b\":\"x\",\"c\":true}");
        invalid(s, "{}", "{\"a\":1}", "{\"b\":\"x\",}", "{,\"b\":\"x\"}", "{\"b\":\"x\",\"d\":1}", "{\"c\":true,\"b\":\"x\"}");
    }

    @Test
    void additionalProperties() {
        valid("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}", "{}", "{\"x\":1,\"y\":2}");
        invalid("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}", "{\"x\":\"1\"}");
        valid("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"}},\"additionalProperties\":true}", "{\"a\":null,\"z\":[1,{\"q\":\"r\"}]}", "{\"z\":1}");
        invalid("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"}},\"additionalProperties\":false}", "{\"z\":1}");
    }

    @Test
    void arrays() {
        valid("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":3}", "[1]", "[1,2,3]", "[ 1 , 2 ]");
        invalid("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":3}", "[]", "[1,2,3,4]", "[1,]", "[\"a\"]");
        valid("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", "[]", "[1,2,3,4,5,6,7,8,9]");
        valid("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false}", "[\"a\",1]", "[\"a\"]", "[]");
        invalid("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false}", "[1]", "[\"a\",1,2]");
        valid("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}],\"items\":{\"type\":\"boolean\"},\"minItems\":2}", "[\"a\",true]", "[\"a\",true,false]");
        invalid("{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}],\"items\":{\"type\":\"boolean\"},\"minItems\":2}", "[\"a\"]");
    }

    @Test
    void enumConstAnyOfOneOf() {
        valid("{\"enum\":[\"red\",\"green\",1,null,{\"a\":[1]}]}", "\"red\"", "\"green\"", "1", "null", "{\"a\":[1]}");
        invalid("{\"enum\":[\"red\",\"green\"]}", "\"blue\"", "\"re\"", "red");
        valid("{\"const\":\"x\"}", "\"x\"");
        valid("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}", "\"a\"");
        assertEquals("enum", assertThrows(UnsupportedSchemaException.class, () -> schema("{\"type\":\"integer\",\"enum\":[1,\"a\"]}")).keyword(),
                "a value the type beside it excludes could never validate");
        valid("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"maxLength\":2}]}", "5", "\"ab\"");
        invalid("{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"maxLength\":2}]}", "\"abc\"", "true");
        valid("{\"oneOf\":[{\"type\":\"boolean\"},{\"type\":\"null\"}]}", "true", "null");
    }

    @Test
    void referencesIncludingRecursion() {
        String tree = "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}},\"required\":[\"v\"]}},\"$ref\":\"#/$defs/node\"}";
        valid(tree, "{\"v\":1}", "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3}]},{\"v\":4}]}");
        invalid(tree, "{\"v\":1,\"kids\":[{}]}");
        valid("{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#\"}}}", "{}", "{\"next\":{\"next\":{}}}");
        valid("{\"definitions\":{\"x\":{\"type\":\"boolean\"}},\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/x\"}}", "[true,false]");
    }

    @Test
    void selfReferenceBeforeAnyTextIsRefused() {
        UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class, () -> schema("{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}"));
        assertEquals("$ref", e.keyword());
    }

    @Test
    void stringLengths() {
        valid("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}", "\"ab\"", "\"abc\"", "\"é日\"", "\"\\n\\t\"");
        invalid("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}", "\"a\"", "\"abcd\"");
    }

    @Test
    void patterns() {
        valid("{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d{2,4}$\"}", "\"ABC-12\"", "\"XYZ-1234\"");
        invalid("{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d{2,4}$\"}", "\"AB-12\"", "\"ABC-1\"", "\"xABC-12\"");
        valid("{\"type\":\"string\",\"pattern\":\"^(cat|dog)s?$\"}", "\"cat\"", "\"dogs\"");
        valid("{\"type\":\"string\",\"pattern\":\"b+\"}", "\"abba\"", "\"b\"");
        invalid("{\"type\":\"string\",\"pattern\":\"b+\"}", "\"aa\"");
        valid("{\"type\":\"string\",\"pattern\":\"^a\\\"b\\\\\\\\c$\"}", "\"a\\\"b\\\\c\"");
        valid("{\"type\":\"string\",\"pattern\":\"^[^x]+$\"}", "\"日\\\"\"");
        valid("{\"type\":\"string\",\"pattern\":\"^.$\"}", "\"é\"", "\"\\t\"");
        invalid("{\"type\":\"string\",\"pattern\":\"^.$\"}", "\"\\n\"", "\"\\r\"", "\"\u2028\"");
        invalid("{\"type\":\"string\",\"pattern\":\"^\\\\S$\"}", "\"\u00a0\"", "\" \"");
        for (String bad : new String[]{"(a)\\\\1", "(?=a)", "\\\\bword", "a^b", "(a*)*", "[é]"}) {
            UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class,
                    () -> schema("{\"type\":\"string\",\"pattern\":\"" + bad + "\"}"), bad);
            assertEquals("pattern", e.keyword());
        }
    }

    @Test
    void formats() {
        valid("{\"type\":\"string\",\"format\":\"date\"}", "\"2024-02-28\"", "\"1999-12-31\"");
        invalid("{\"type\":\"string\",\"format\":\"date\"}", "\"2024-02-30\"", "\"2024-13-01\"", "\"2024-04-31\"");
        valid("{\"type\":\"string\",\"format\":\"date-time\"}", "\"2024-01-15T10:20:30Z\"", "\"2024-01-15T10:20:30.5+02:00\"");
        valid("{\"type\":\"string\",\"format\":\"uuid\"}", "\"123e4567-e89b-12d3-a456-426614174000\"");
        invalid("{\"type\":\"string\",\"format\":\"uuid\"}", "\"123e4567\"");
        valid("{\"type\":\"string\",\"format\":\"email\"}", "\"ann.lee@example.co.uk\"");
        invalid("{\"type\":\"string\",\"format\":\"email\"}", "\"ann@\"", "\".ann@x.io\"");
    }

    @ParameterizedTest
    @CsvSource({"0,100", "-50,50", "7,7", "-1000,-3", "95,1005", "-5,"})
    void integerRangesHoldExactly(String lo, String hi) {
        Long min = Long.valueOf(lo), max = hi == null ? null : Long.valueOf(hi);
        Grammar g = schema("{\"type\":\"integer\",\"minimum\":" + min + (max == null ? "" : ",\"maximum\":" + max) + "}");
        for (long n = -1200; n <= 1200; n++) {
            boolean inRange = n >= min && (max == null || n <= max);
            assertEquals(inRange, accepts(g, Long.toString(n)), "" + n);
        }
        assertFalse(accepts(g, "-0"));
    }

    @Test
    void exclusiveBoundsAndNumberBounds() {
        valid("{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":3}", "1", "2");
        invalid("{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":3}", "0", "3");
        valid("{\"type\":\"number\",\"minimum\":1,\"maximum\":5}", "1", "5");
        assertEquals("minimum", assertThrows(UnsupportedSchemaException.class, () -> schema("{\"type\":\"number\",\"minimum\":0.5}")).keyword());
    }

    @Test
    void whitespaceIsBounded() {
        Grammar g = schema("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}");
        assertTrue(accepts(g, "[" + " ".repeat(JsonText.MAX_WHITESPACE) + "1]"));
        assertFalse(accepts(g, "[" + " ".repeat(JsonText.MAX_WHITESPACE + 1) + "1]"));
        assertTrue(accepts(g, "[\n  1,\n  2\n]"));
    }

    @ParameterizedTest
    @CsvSource({"not", "allOf", "patternProperties", "multipleOf", "uniqueItems", "if", "minProperties", "contains"})
    void unsupportedKeywordsAreNamed(String keyword) {
        UnsupportedSchemaException e = assertThrows(UnsupportedSchemaException.class,
                () -> schema("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\",\"" + keyword + "\":{}}}}"));
        assertEquals(keyword, e.keyword());
        assertTrue(e.getMessage().contains("#/properties/x"), e.getMessage());
    }

    @Test
    void unsupportedFormatAndRemoteRefAreNamed() {
        assertEquals("format", assertThrows(UnsupportedSchemaException.class, () -> schema("{\"type\":\"string\",\"format\":\"ipv6\"}")).keyword());
        assertEquals("$ref", assertThrows(UnsupportedSchemaException.class, () -> schema("{\"$ref\":\"http://x/y.json\"}")).keyword());
        assertEquals("required", assertThrows(UnsupportedSchemaException.class,
                () -> schema("{\"type\":\"object\",\"properties\":{},\"required\":[\"a\"]}")).keyword());
    }

    @Test
    void twentyLevelsOfNesting() {
        StringBuilder s = new StringBuilder("{\"type\":\"integer\"}"), doc = new StringBuilder("1");
        for (int i = 0; i < 20; i++) {
            s.insert(0, "{\"type\":\"object\",\"properties\":{\"k" + i + "\":").append("},\"required\":[\"k" + i + "\"]}");
            doc.insert(0, "{\"k" + i + "\":").append("}");
        }
        valid(s.toString(), doc.toString());
        invalid(s.toString(), doc.substring(0, doc.length() - 1));
    }

    @Test
    void anyObject() {
        Grammar g = JsonSchemaGrammar.anyObject();
        assertTrue(accepts(g, "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}"));
        assertTrue(accepts(g, "{}"));
        assertFalse(accepts(g, "[1]"));
        assertFalse(accepts(g, "\"x\""));
    }
}
