package io.hearth.runtime.invoke;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Renders a prompt function's template over a caller's input. The template is the function author's; the input is
 * data, never template: Jinjava's nested interpretation is off, so {@code {{ ... }}} inside a value reaches the model
 * as those characters (and the guards, which checked the value, saw exactly that). A variable the input lacks is a
 * 400, not an empty string; the output, each string and each list a template builds are capped, and rendering stops
 * counting against the call at its deadline (504).
 */
final class PromptTemplate {
    /** Largest rendered prompt: far beyond any model's context, small enough that a template cannot exhaust the heap. */
    static final long MAX_OUTPUT_CHARS = 4L << 20;

    private static final ExecutorService RENDERERS = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hearth-template-", 0).factory());

    private final Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
            .withNestedInterpretationEnabled(false)
            .withFailOnUnknownTokens(true)
            .withMaxOutputSize(MAX_OUTPUT_CHARS)
            .withMaxStringLength(MAX_OUTPUT_CHARS)
            .withMaxListSize(100_000)
            .withMaxMapSize(100_000)
            .withMaxRenderDepth(10)
            .build());

    /** {@code template} rendered over {@code input}, within {@code deadline}. */
    String render(String functionId, String template, Map<String, Object> input, Instant deadline, long timeoutMillis) {
        Future<RenderResult> rendering = RENDERERS.submit(() -> jinjava.renderForResult(template, input));
        RenderResult result;
        try {
            result = rendering.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            rendering.cancel(true);
            throw new FunctionTimeoutException(functionId + " ran past its timeout of " + timeoutMillis + " ms while rendering its template");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering " + functionId + "'s template", e);
        } catch (ExecutionException e) {
            throw new IllegalArgumentException("the input does not fit " + functionId + "'s template: "
                    + String.valueOf(e.getCause().getMessage()).replaceAll("[\\w.$]*(Exception|Error):\\s*", ""));
        }
        if (!result.getErrors().isEmpty()) {
            throw new IllegalArgumentException("the input does not fit " + functionId + "'s template: " + result.getErrors().stream()
                    .map(PromptTemplate::describe).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    private static final java.util.regex.Pattern UNKNOWN = java.util.regex.Pattern.compile("Unknown token found: ([\\w.]+)");

    /** A rendering error as a caller can act on it: the field its input lacks, else the message without Java's class names. */
    private static String describe(TemplateError error) {
        String message = error.getMessage() == null ? String.valueOf(error.getReason()) : error.getMessage();
        java.util.regex.Matcher unknown = UNKNOWN.matcher(message);
        if (unknown.find()) return "the input has no field '" + unknown.group(1) + "', which the template uses";
        return message.replaceAll("[\\w.$]*(Exception|Error):\\s*", "");
    }
}
