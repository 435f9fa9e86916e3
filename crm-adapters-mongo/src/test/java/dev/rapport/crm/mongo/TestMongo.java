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
  private final String uri;
  final MongoClient client;

  private TestMongo(@Nullable MongoServer server, String uri) {
    this.server = server;
    this.uri = uri;
    this.client = MongoClients.create(uri);
  }

  String uri() {
    return uri;
  }

  /** Another client (its own connection pool) to the same server, as a second node would have; the caller closes it. */
  MongoClient connect() {
    return MongoClients.create(uri);
  }

  /** mongo-java-server: no sessions, so the envelope path. */
  static TestMongo inMemory() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    InetSocketAddress a = server.getLocalAddress();
    return new TestMongo(server, "mongodb://127.0.0.1:" + a.getPort());
  }

  static @Nullable String realUri() {
    String uri = System.getenv(REAL_URI_ENV);
    return uri == null || uri.isBlank() ? null : uri;
  }

  static TestMongo real() {
    return new TestMongo(null, java.util.Objects.requireNonNull(realUri()));
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
