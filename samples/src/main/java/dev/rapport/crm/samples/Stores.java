package dev.rapport.crm.samples;

import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.store.Store;
import java.nio.file.Path;

/** Picks the store the samples run on: the embedded default, an H2 file, so data survives between runs. */
final class Stores {
  private Stores() {}

  record Opened(Store store, String description, Runnable closer) {
    void close() {
      closer.run();
    }
  }

  static Opened fromEnvironment() {
    Path file = Path.of(System.getProperty("rapport.quickstart.db", "data/quickstart/rapport")).toAbsolutePath();
    return new Opened(JdbcStore.h2File(file), "H2 file " + file + ".mv.db", () -> { });
  }
}
