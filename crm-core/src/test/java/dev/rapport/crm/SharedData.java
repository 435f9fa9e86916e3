package dev.rapport.crm;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code shared/data} (read-only reference data) for tests: the surefire property, else {@code ../shared/data}. */
public final class SharedData {
  private SharedData() {}

  public static Path resolve(String relative) {
    String configured = System.getProperty("rapport.shared.data");
    Path base = configured != null ? Path.of(configured) : Path.of("..", "shared", "data");
    if (!Files.isDirectory(base)) {
      // running from a module directory in an IDE: the project root is one level up
      base = Path.of("..", "..", "shared", "data");
    }
    Path file = base.resolve(relative);
    if (!Files.exists(file)) {
      throw new IllegalStateException("reference data not found: " + file.toAbsolutePath()
          + " (set -Drapport.shared.data)");
    }
    return file;
  }
}
