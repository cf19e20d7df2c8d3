package io.hearth.host;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * A java function's class loader: its own archive, the JDK (through the platform class loader) and the function
 * API, nothing else, so a function cannot reach the runtime's classes, its libraries or another function's.
 */
public final class FunctionClassLoader extends URLClassLoader {
    private static final String API_PACKAGE = "io.hearth.function.";
    private final ClassLoader apiLoader;

    public FunctionClassLoader(String name, URL archive, ClassLoader apiLoader) {
        super(name, new URL[]{archive}, ClassLoader.getPlatformClassLoader());
        this.apiLoader = apiLoader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(API_PACKAGE)) return apiLoader.loadClass(name);
        return super.loadClass(name, resolve);
    }
}
