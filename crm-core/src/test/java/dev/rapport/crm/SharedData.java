package dev.rapport.crm;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates {@code shared/data} (read-only reference data that lives beside the project, never in it) for tests: the
 * {@code rapport.shared.data} property set by surefire, the {@code RAPPORT_SHARED_DATA} environment variable, else
 * {@code ../shared/data}.
 *
 * <p>A clone without the reference data beside it skips these tests with a message, except in CI (environment
 * variable {@code CI} set), where missing data fails the build: CI must never pass by skipping them.
 */
public final class SharedData {
  private SharedData() {}

  public static Path resolve(String relative) {
    String configured = System.getProperty("rapport.shared.data");
    String env = System.getenv("RAPPORT_SHARED_DATA");
    Path base = configured != null ? Path.of(configured) : Path.of("..", "shared", "data");
    if (!Files.isDirectory(base) && env != null) {
      base = Path.of(env);
    }
    if (!Files.isDirectory(base)) {
      // running from a module directory in an IDE: the project root is one level up
      base = Path.of("..", "..", "shared", "data");
    }
    Path file = base.resolve(relative);
    if (!Files.exists(file)) {
      String message = "reference data not found: " + file.toAbsolutePath()
          + " (put shared/data beside the project, or set RAPPORT_SHARED_DATA or -Drapport.shared.data)";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException(message);
      }
      Assumptions.abort(message);
    }
    return file;
  }
}
