package io.hearth.it.incontainer;

import io.hearth.pool.ModelPool;
import io.hearth.runtime.deploy.ArchiveInvalidException;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.invoke.FunctionInvoker;
import io.hearth.runtime.invoke.InvocationResult;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's CDI beans inside a real Liberty server (Arquillian deploys the built EAR with this class added to
 * its web module): the pool bean preloaded the built-in model, the registry bean deploys and refuses archives, the
 * invoker runs a function on the warm replica.
 */
@ExtendWith(ArquillianExtension.class)
class RuntimeBeansInContainerIT {
    private static final String WAR = "function-runtime.war";

    @Deployment
    static EnterpriseArchive deployment() throws java.io.IOException {
        File ear = new File(System.getProperty("hearth.it.ear", "target/liberty/wlp/usr/servers/hearth/apps/platform-ear.ear"));
        EnterpriseArchive app = ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
        WebArchive web = app.getAsType(WebArchive.class, WAR).addClass(RuntimeBeansInContainerIT.class);
        app.delete(WAR);
        // Arquillian's Liberty container reaches its test servlet under the module's name, not the EAR's "/" root.
        String applicationXml = new String(app.get("META-INF/application.xml").getAsset().openStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace("<context-root>/</context-root>", "<context-root>/function-runtime</context-root>");
        return app.addAsModule(web).setApplicationXML(new StringAsset(applicationXml));
    }

    @Inject
    ModelPool pool;
    @Inject
    FunctionRegistry registry;
    @Inject
    FunctionInvoker invoker;

    @Test
    void thePoolBeanPreloadedTheBuiltInModel() {
        assertTrue(pool.ready(), "preloaded models are warm once the application has started");
        assertTrue(pool.serves("default"));
        assertTrue(pool.models().getFirst().randomWeights(), "the offline default is labelled as random weights");
    }

    @Test
    void theRegistryBeanDeploysAndTheInvokerRunsOnTheWarmReplica() {
        String name = "in-container-" + System.nanoTime();
        FunctionRegistry.DeployResult deployed = registry.deploy(promptArchive(name, "1"));
        assertTrue(deployed.created());

        List<String> streamed = new ArrayList<>();
        InvocationResult result = invoker.invoke(registry.resolve(name), Map.of("word", "hearth"),
                (token, text) -> streamed.add(text));
        assertEquals("1", result.version());
        assertEquals(4, result.completionTokens());
        assertEquals(4, streamed.size(), "each generated token reached the listener");
        assertEquals(String.join("", streamed), result.output());
        assertTrue(result.promptTokens() > 0 && result.ttftMillis() >= 0 && result.totalMillis() >= result.ttftMillis());
    }

    @Test
    void aRefusedArchiveLeavesTheServingVersionInPlace() {
        String name = "in-container-refused-" + System.nanoTime();
        registry.deploy(promptArchive(name, "1"));
        byte[] missingHandler = zip("name: " + name + "\nversion: 2\nmodel: default\nkind: java\nhandler: com.example.Missing\n");
        ArchiveInvalidException refused = assertThrows(ArchiveInvalidException.class, () -> registry.deploy(missingHandler));
        assertTrue(refused.getMessage().contains("com.example.Missing"), refused.getMessage());
        assertEquals("1", registry.active(name).manifest().version());
    }

    private static byte[] promptArchive(String name, String version) {
        return zip("name: " + name + "\nversion: " + version + "\nmodel: default\nkind: prompt\n"
                + "prompt:\n  template: \"Say {{ word }}\"\ndefaults: {max_tokens: 4, temperature: 0}\n");
    }

    private static byte[] zip(String functionYaml) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry("function.yaml"));
                zip.write(functionYaml.getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
