package io.hearth.runtime.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hearth.runtime.admin.PolicyChange;
import io.hearth.runtime.functions.FunctionInput;
import io.hearth.runtime.openai.ChatCompletionRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads invocation bodies strictly, so a value of the wrong type is a 400 naming the field instead of a guess that
 * changes the call's meaning: {@code "max_tokens": "5"} and {@code 1.5} are refused (no coercion of strings to
 * numbers, nor of fractions to integers), numbers out of their field's range are refused rather than wrapped, a
 * function's input must be a JSON object and its numbers finite. No string may carry the Unicode noncharacters
 * U+FDD0..U+FDEF: Hearth marks callers' text with them inside prompts, and text that carried them would reach the model
 * other than the guards saw it. Fields the API does not know stay ignored.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class StrictJsonReader implements MessageBodyReader<Object> {
    private static final ObjectMapper JSON = strict().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** Ops' changes are strict about names too: a misspelled (or camelCase) field would otherwise change nothing, silently. */
    private static final ObjectMapper ADMIN = strict().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    /** No coercion of strings to numbers nor of fractions to integers; primitives never null. */
    private static JsonMapper.Builder strict() {
        return JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == ChatCompletionRequest.class || type == FunctionInput.class || type == PolicyChange.class;
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream body) {
        try {
            JsonNode tree = JSON.readTree(body);
            if (tree == null || tree.isMissingNode()) throw new BadRequestException("the request needs a JSON body");
            if (!tree.isObject()) throw new BadRequestException("the body must be a JSON object, not " + article(tree));
            requireClean(tree, "");
            if (FunctionInput.class.equals(type)) {
                return new FunctionInput(JSON.convertValue(tree, Map.class));
            }
            return (PolicyChange.class.equals(type) ? ADMIN : JSON).treeToValue(tree, type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new BadFieldException(e.getPropertyName(), "unknown field '" + e.getPropertyName() + "' (fields are snake_case: " + String.join(", ",
                    e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")");
        } catch (JsonMappingException e) {
            throw new BadFieldException(field(e), field(e) + ": " + e.getOriginalMessage().replaceAll("\\s*\\(.*$", "").replaceAll(" of type `[^`]*`", ""));
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadRequestException("the request body could not be read: " + e.getMessage());
        }
    }

    /**
     * Numbers past a double's range (1e100000000) are refused: no template or guard should work on an infinity; and
     * strings with noncharacters, as the class says.
     */
    private static void requireClean(JsonNode node, String path) {
        String field = path.isEmpty() ? "the body" : path.substring(1);
        if (node.isNumber() && node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw new BadFieldException(field, field + ": numbers must be finite, within ±1.7976931348623157e308");
        }
        if (node.isTextual() && node.textValue().chars().anyMatch(c -> c >= 0xFDD0 && c <= 0xFDEF)) {
            throw new BadFieldException(field, field + ": text must not contain the Unicode noncharacters U+FDD0..U+FDEF");
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                requireClean(e.getValue(), path + "." + e.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) requireClean(node.get(i), path + "[" + i + "]");
        }
    }

    private static String field(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "the body" : path;
    }

    private static String article(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> "null";
        };
    }
}
