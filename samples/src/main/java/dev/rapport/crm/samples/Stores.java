package dev.rapport.crm.samples;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;

/** Picks the store the samples run on. */
final class Stores {
  private Stores() {}

  record Opened(Store store, String description, Runnable closer) {
    void close() {
      closer.run();
    }
  }

  static Opened fromEnvironment() {
    return new Opened(InMemoryStore.create(), "in-memory", () -> { });
  }
}
