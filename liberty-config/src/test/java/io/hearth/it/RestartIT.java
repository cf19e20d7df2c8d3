package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployed functions, their versions and their routing survive a restart of the server. */
class RestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void server(String action) throws Exception {
        Path wlp = Path.of(System.getProperty("hearth.it.wlp", "target/liberty/wlp"));
        Process p = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, "hearth-it").inheritIO().start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "server " + action + " finished");
        assertEquals(0, p.exitValue(), "server " + action);
    }

    @Test
    void functionsAndTheirRoutingAreStillThereAfterARestart() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        String name = "restart-" + Long.toString(System.currentTimeMillis(), 36);
        for (String version : new String[]{"1", "2"}) {
            byte[] archive = FunctionsIT.archive(version, "Say {{ word }}").clone();
            String yaml = new String(FunctionsIT.unzipManifest(archive)).replaceFirst("name: \\S+", "name: " + name);
            assertEquals(201, FunctionsIT.send("PUT", "/admin/functions/" + name, "application/zip",
                    FunctionsIT.zipManifest(yaml), null).statusCode());
        }
        assertEquals(200, FunctionsIT.send("POST", "/admin/functions/" + name + "/rollback", "application/json", new byte[0], null).statusCode());

        server("stop");
        server("start");
        OpenAiApiIT.waitUntilReady();

        JsonNode status = JSON.readTree(OpenAiApiIT.get("/admin/functions/" + name).body());
        assertEquals("1", status.get("routing").get("active").asText(), "the rolled-back routing survived");
        assertEquals(2, status.get("versions").size());
        assertEquals("1", JSON.readTree(FunctionsIT.invoke(name, "{\"word\":\"hi\"}").body()).get("version").asText());
        assertTrue(OpenAiApiIT.get("/fn").body().contains("\"summarize\""), "the samples are still deployed");
    }
}
