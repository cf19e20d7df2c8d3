package io.hearth.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pools' MXBeans through Liberty's REST JMX connector, with its Java client (restConnector.jar), as JConsole
 * and ops scripts reach them: read a pool, change its policy, scale, drain; a wrong password is refused.
 */
class PoolJmxIT {
    private static final String URL = "service:jmx:rest://localhost:"
            + System.getProperty("hearth.it.https-url", "https://localhost:19443").replaceAll(".*:(\\d+)$", "$1") + "/IBMJMXConnectorREST";

    @BeforeAll
    static void ready() throws Exception {
        OpenAiApiIT.waitUntilReady();
    }

    private static JMXConnector connect(String password) throws Exception {
        Map<String, Object> env = new HashMap<>();
        env.put("jmx.remote.protocol.provider.pkgs", "com.ibm.ws.jmx.connector.client");
        env.put(JMXConnector.CREDENTIALS, new String[]{Credentials.USER, password});
        // the generated test certificate names this machine's host name, not "localhost"
        env.put("com.ibm.ws.jmx.connector.client.disableURLHostnameVerification", Boolean.TRUE);
        JMXConnector connector = JMXConnectorFactory.newJMXConnector(new JMXServiceURL(URL), env);
        connector.connect();
        return connector;
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void opsReadAndOperateAPoolOverJmx() throws Exception {
        try (JMXConnector connector = connect(Credentials.PASSWORD)) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName lazy = new ObjectName("io.hearth:type=ModelPool,name=lazy");
            assertTrue(jmx.isRegistered(new ObjectName("io.hearth:type=ModelPool,name=default")));
            assertEquals("lazy", jmx.getAttribute(lazy, "Model"));
            assertEquals("2s", jmx.getAttribute(lazy, "IdleTimeout"));

            jmx.setAttribute(lazy, new Attribute("IdleTimeout", "5s"));
            assertEquals("5s", jmx.getAttribute(lazy, "IdleTimeout"));
            assertEquals("PT5S", PoolIT.pool("lazy").at("/policy/idle_timeout").asText(), "REST shows the same policy");

            jmx.invoke(lazy, "scale", new Object[]{1}, new String[]{"int"});
            await("scaled to one warm replica", () -> (Integer) jmx.getAttribute(lazy, "WarmReplicas") == 1);
            String[] replicas = (String[]) jmx.getAttribute(lazy, "Replicas");
            assertEquals(1, replicas.length);
            assertTrue(replicas[0].contains("on cpu"), replicas[0]);

            jmx.invoke(lazy, "drain", new Object[0], new String[0]);
            await("drained", () -> ((String[]) jmx.getAttribute(lazy, "Replicas")).length == 0);
            assertArrayEquals(new String[0], (String[]) jmx.getAttribute(lazy, "Replicas"));
            jmx.setAttribute(lazy, new Attribute("IdleTimeout", "2s"));
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThrows(Exception.class, () -> connect("not-the-password").getMBeanServerConnection().getMBeanCount());
    }
}
