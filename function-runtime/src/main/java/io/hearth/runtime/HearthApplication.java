package io.hearth.runtime;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The runtime's REST root: paths are the contracts in DESIGN.md ({@code /v1/...}, later {@code /fn}, {@code /admin}). */
@ApplicationPath("/")
public class HearthApplication extends Application {
}
