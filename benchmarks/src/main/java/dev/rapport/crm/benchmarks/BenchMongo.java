package dev.rapport.crm.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The MongoDB the benchmarks run on: the one {@code RAPPORT_BENCH_MONGO_URI} names, else mongo-java-server (in
 * memory, in this JVM, on a free loopback port). Benchmarks use fresh databases, dropped at the end.
 */
final class BenchMongo implements AutoCloseable {
  static final String URI_ENV = "RAPPORT_BENCH_MONGO_URI";

  private final @Nullable MongoServer server;
  final MongoClient client;
  final String description;
  private final List<String> databases = new ArrayList<>();

  private BenchMongo(@Nullable MongoServer server, String uri, String description) {
    this.server = server;
    this.client = MongoClients.create(uri);
    this.description = description;
  }

  static BenchMongo start() {
    String uri = System.getenv(URI_ENV);
    if (uri != null && !uri.isBlank()) {
      return new BenchMongo(null, uri, "MongoDB at " + URI_ENV);
    }
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    InetSocketAddress a = server.getLocalAddress();
    return new BenchMongo(server, "mongodb://127.0.0.1:" + a.getPort(), "mongo-java-server (in memory)");
  }

  /** A new, empty database name, dropped by {@link #drop} or {@link #close}. */
  String freshDatabase() {
    String name = "rapport_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    databases.add(name);
    return name;
  }

  void drop(String database) {
    client.getDatabase(database).drop();
    databases.remove(database);
  }

  @Override
  public void close() {
    try {
      for (String d : List.copyOf(databases)) {
        drop(d);
      }
    } finally {
      client.close();
      if (server != null) {
        server.shutdownNow();
      }
    }
  }
}
