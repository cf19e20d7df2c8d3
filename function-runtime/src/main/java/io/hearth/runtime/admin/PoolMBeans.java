package io.hearth.runtime.admin;

import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers one {@link ModelPoolMXBean} per model when the application starts ({@code io.hearth:type=ModelPool,name=<model>})
 * and removes them when it stops, so a redeploy never meets its predecessor's beans.
 */
@ApplicationScoped
public class PoolMBeans {
    private static final Logger LOG = Logger.getLogger(PoolMBeans.class.getName());

    @Inject
    PoolAdmin admin;
    @Inject
    PolicyStore policies;

    private final List<ObjectName> registered = new ArrayList<>();

    /** Model ids are letters, digits, '.', '_' and '-', none of which an object name needs quoted. */
    static ObjectName nameOf(String model) throws JMException {
        return new ObjectName("io.hearth:type=ModelPool,name=" + model);
    }

    synchronized void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (PoolInfo pool : admin.pools()) {
            try {
                ObjectName name = nameOf(pool.model());
                if (server.isRegistered(name)) server.unregisterMBean(name);
                server.registerMBean(new ModelPoolMBean(admin, policies, pool.model()), name);
                registered.add(name);
            } catch (JMException e) {
                LOG.log(Level.WARNING, "cannot register the JMX bean of model " + pool.model(), e);
            }
        }
    }

    @PreDestroy
    synchronized void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : registered) {
            try {
                if (server.isRegistered(name)) server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(Level.FINE, "JMX bean " + name + " was already gone", e);
            }
        }
        registered.clear();
    }
}
