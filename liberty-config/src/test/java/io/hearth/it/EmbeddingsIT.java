package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/embeddings} as RAG clients call it: openai-java (floats and base64), LangChain4j's
 * {@code OpenAiEmbeddingModel.embedAll}, token-id inputs, and the refusals a caller can fix.
 */
class EmbeddingsIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenAIClient client;

    @BeforeAll
    static void connect() throws Exception {
        client = OpenAiClientIT.sdk();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static double norm(List<? extends Number> v) {
        double sum = 0;
        for (Number x : v) sum += x.doubleValue() * x.doubleValue();
        return Math.sqrt(sum);
    }

    @Test
    void openAiJavaGetsOneUnitVectorPerInputWithTheTokensCounted() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder().model("default")
                .inputOfArrayOfStrings(List.of("the first text", "a second, longer text to embed", "the first text")).build());
        assertEquals(3, response.data().size());
        assertEquals("default", response.model());
        List<Float> first = response.data().get(0).embedding();
        assertEquals(256, first.size(), "the built-in model's width");
        for (var d : response.data()) assertEquals(1.0, norm(d.embedding()), 1e-4, "L2-normalized");
        // the same text, the same vector, up to float rounding: inputs batched differently sum their products in another order
        List<Float> again = response.data().get(2).embedding();
        for (int i = 0; i < first.size(); i++) assertEquals(first.get(i), again.get(i), 1e-5, "the same text, the same vector: component " + i);
        assertNotEquals(first, response.data().get(1).embedding());
        assertEquals(2, response.data().get(2).index());
        assertTrue(response.usage().promptTokens() > 6, "usage counts every input's tokens: " + response.usage().promptTokens());
        assertEquals(response.usage().promptTokens(), response.usage().totalTokens());
    }

    @Test
    void base64IsTheLittleEndianFloatsOfTheSameVector() throws Exception {
        JsonNode floats = JSON.readTree(OpenAiApiIT.post("/v1/embeddings", "{\"model\":\"default\",\"input\":\"hello embeddings\"}").body());
        HttpResponse<String> encoded = OpenAiApiIT.post("/v1/embeddings",
                "{\"model\":\"default\",\"input\":\"hello embeddings\",\"encoding_format\":\"base64\",\"dimensions\":256}");
        assertEquals(200, encoded.statusCode(), encoded.body());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(JSON.readTree(encoded.body()).at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        JsonNode expected = floats.at("/data/0/embedding");
        assertEquals(expected.size() * 4, bytes.remaining());
        for (int i = 0; i < expected.size(); i++) assertEquals(expected.get(i).floatValue(), bytes.getFloat(), 0f, "component " + i);
    }

    @Test
    void tokenIdsAreEmbeddedEachAsAnInput() throws Exception {
        HttpResponse<String> one = OpenAiApiIT.post("/v1/embeddings", "{\"model\":\"default\",\"input\":[[1,17,42],[1,17,43]]}");
        assertEquals(200, one.statusCode(), one.body());
        JsonNode body = JSON.readTree(one.body());
        assertEquals(2, body.get("data").size());
        assertEquals(6, body.at("/usage/prompt_tokens").asInt(), "three ids each");
        assertNotEquals(body.at("/data/0/embedding"), body.at("/data/1/embedding"));
    }

    @Test
    void langChain4jEmbedsSegmentsInOrder() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(BASE + "/v1").apiKey(Credentials.apiKey(BASE))
                .modelName("default").build();
        List<TextSegment> segments = List.of(TextSegment.from("alpha"), TextSegment.from("beta gamma"), TextSegment.from("alpha"));
        Response<List<Embedding>> response = model.embedAll(segments);
        assertEquals(3, response.content().size());
        assertEquals(256, response.content().getFirst().dimension());
        float[] alpha = response.content().get(0).vector(), beta = response.content().get(1).vector(), alphaAgain = response.content().get(2).vector();
        org.junit.jupiter.api.Assertions.assertArrayEquals(alpha, alphaAgain, 1e-5f, "segments come back in order");
        assertTrue(Math.abs(alpha[0] - beta[0]) + Math.abs(alpha[1] - beta[1]) > 1e-4, "another segment, another vector");
        assertTrue(response.tokenUsage().inputTokenCount() > 3);
    }

    @Test
    void whatCannotBeEmbeddedIsRefusedNamingTheField() throws Exception {
        record Case(String body, int status, String param, String says) {
        }
        for (Case c : List.of(
                new Case("{\"model\":\"default\",\"input\":\"x\",\"dimensions\":64}", 400, "dimensions", "256"),
                new Case("{\"model\":\"default\",\"input\":\"x\",\"encoding_format\":\"int8\"}", 400, "encoding_format", "base64"),
                new Case("{\"model\":\"default\"}", 400, "input", "required"),
                new Case("{\"model\":\"default\",\"input\":[]}", 400, "input", "string"),
                new Case("{\"model\":\"default\",\"input\":[\"ok\", 5]}", 400, "input[1]", "string"),
                new Case("{\"model\":\"default\",\"input\":[[1, 99999]]}", 400, null, "99999"),
                new Case("{\"model\":\"default\",\"input\":\"\"}", 400, null, "empty"),
                new Case("{\"model\":\"summarize\",\"input\":\"x\"}", 400, "model", "function"),
                new Case("{\"model\":\"nope\",\"input\":\"x\"}", 404, null, "served here"))) {
            HttpResponse<String> r = OpenAiApiIT.post("/v1/embeddings", c.body());
            assertEquals(c.status(), r.statusCode(), c.body() + " → " + r.body());
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertTrue(error.get("message").asText().contains(c.says()), c.body() + " → " + r.body());
            if (c.param() != null) assertEquals(c.param(), error.get("param").asText(), c.body());
        }
    }
}
