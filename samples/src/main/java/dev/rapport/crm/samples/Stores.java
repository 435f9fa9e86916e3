package dev.rapport.crm.samples;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.mongo.MongoStore;
import dev.rapport.crm.store.Store;
import java.nio.file.Path;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Picks the store the samples run on: MongoDB when {@code RAPPORT_MONGO_URI} is set (for example
 * {@code mongodb://localhost:27017}), else the embedded default, an H2 file, so data survives between runs.
 */
final class Stores {
  static final String MONGO_URI_ENV = "RAPPORT_MONGO_URI";
  static final String MONGO_DATABASE = "rapport_quickstart";

  private Stores() {}

  record Opened(Store store, String description, Runnable closer) {
    void close() {
      closer.run();
    }
  }

  static Opened fromEnvironment() {
    return from(System::getenv);
  }

  static Opened from(Function<String, @Nullable String> environment) {
    String mongoUri = environment.apply(MONGO_URI_ENV);
    if (mongoUri != null && !mongoUri.isBlank()) {
      // The sample is the host here: it creates the client and closes it; Rapport only borrows it.
      MongoClient client = MongoClients.create(mongoUri);
      try {
        MongoStore store = MongoStore.create(client, MONGO_DATABASE);
        return new Opened(store, "MongoDB, database " + MONGO_DATABASE + " (" + store.transactionMode() + " mode)",
            client::close);
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
    }
    Path file = Path.of(System.getProperty("rapport.quickstart.db", "data/quickstart/rapport")).toAbsolutePath();
    return new Opened(JdbcStore.h2File(file), "H2 file " + file + ".mv.db", () -> { });
  }
}
