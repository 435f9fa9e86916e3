package dev.rapport.crm.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A MongoDB for tests: mongo-java-server (in memory, on a free loopback port), or the real MongoDB named by
 * {@code RAPPORT_TEST_MONGO_URI}. Every run uses fresh database names, so runs never see each other's data.
 */
final class TestMongo implements AutoCloseable {
  static final String REAL_URI_ENV = "RAPPORT_TEST_MONGO_URI";

  private final @Nullable MongoServer server;
  final MongoClient client;

  private TestMongo(@Nullable MongoServer server, MongoClient client) {
    this.server = server;
    this.client = client;
  }

  /** mongo-java-server: no sessions, so the envelope path. */
  static TestMongo inMemory() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    InetSocketAddress a = server.getLocalAddress();
    return new TestMongo(server, MongoClients.create("mongodb://127.0.0.1:" + a.getPort()));
  }

  static @Nullable String realUri() {
    String uri = System.getenv(REAL_URI_ENV);
    return uri == null || uri.isBlank() ? null : uri;
  }

  static TestMongo real() {
    return new TestMongo(null, MongoClients.create(java.util.Objects.requireNonNull(realUri())));
  }

  static String freshDatabase() {
    return "rapport_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @Override
  public void close() {
    client.close();
    if (server != null) {
      server.shutdownNow();
    }
  }
}
