package dev.rapport.crm.benchmarks;

import dev.rapport.crm.jdbc.JdbcStore;
import java.sql.SQLException;
import java.util.UUID;
import org.javers.repository.sql.DialectName;

/**
 * One side's database in the audit and approval benchmarks, fresh for the run: on {@code postgres} a new schema on the
 * benchmark server ({@link PgBench#dataSource()}) behind a {@link TinyPool} of its own; on {@code h2} a new in-memory
 * database ({@code jdbc:h2:mem:<name>-<random>}) holding a schema of the same name. {@link #close()} drops the schema
 * (on H2, every object, then shuts the in-memory database down) and closes the pool.
 */
final class AuditDb implements AutoCloseable {
  final String db;
  final String schema;
  final TinyPool pool;

  private AuditDb(String db, String schema, TinyPool pool) {
    this.db = db;
    this.schema = schema;
    this.pool = pool;
  }

  /** A fresh database of kind {@code db} ({@code h2} or {@code postgres}), its schema named after {@code kind}. */
  static AuditDb fresh(String db, String kind) throws SQLException {
    String schema = PgBench.freshSchemaName(kind);
    switch (db) {
      case "postgres" -> {
        TinyPool pool = new TinyPool(PgBench.dataSource(), 2);
        PgBench.execute(pool, "CREATE SCHEMA " + schema);
        return new AuditDb(db, schema, pool);
      }
      case "h2" -> {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + kind + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        TinyPool pool = new TinyPool(ds, 2);
        PgBench.execute(pool, "CREATE SCHEMA " + schema);
        return new AuditDb(db, schema, pool);
      }
      default -> throw new IllegalArgumentException("db must be h2 or postgres: " + db);
    }
  }

  /**
   * As {@link #fresh}, for a library that writes unqualified table names and creates its own tables (Flowable): every
   * one of the pool's {@code connections} starts in the run's schema, on PostgreSQL through the driver's
   * {@code currentSchema} (the connection's {@code search_path}), on H2 through {@code SET SCHEMA} as each connection
   * opens. {@link #close()} drops it as for {@link #fresh}.
   */
  static AuditDb freshAsDefaultSchema(String db, String kind, int connections) throws SQLException {
    String schema = PgBench.freshSchemaName(kind);
    switch (db) {
      case "postgres" -> {
        org.postgresql.ds.PGSimpleDataSource ds = PgBench.dataSource();
        PgBench.execute(ds, "CREATE SCHEMA " + schema);
        ds.setCurrentSchema(schema);
        return new AuditDb(db, schema, new TinyPool(ds, connections));
      }
      case "h2" -> {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + kind + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000"
            + ";INIT=CREATE SCHEMA IF NOT EXISTS " + schema + "\\;SET SCHEMA " + schema);
        return new AuditDb(db, schema, new TinyPool(ds, connections));
      }
      default -> throw new IllegalArgumentException("db must be h2 or postgres: " + db);
    }
  }

  boolean postgres() {
    return db.equals("postgres");
  }

  /** A Rapport store in this database's schema. */
  JdbcStore store() {
    return JdbcStore.builder(postgres() ? JdbcStore.Database.POSTGRESQL : JdbcStore.Database.H2, pool).schema(schema)
        .build();
  }

  /** A Rapport store in this database's schema, on {@code clock} (leases, timestamps). */
  JdbcStore store(java.time.Clock clock) {
    return JdbcStore.builder(postgres() ? JdbcStore.Database.POSTGRESQL : JdbcStore.Database.H2, pool).schema(schema)
        .clock(clock).build();
  }

  DialectName javersDialect() {
    return postgres() ? DialectName.POSTGRES : DialectName.H2;
  }

  /** The column type of a JSON document, as Rapport's adapter declares it on this database. */
  String jsonType() {
    return postgres() ? "JSONB" : "CHARACTER LARGE OBJECT";
  }

  /** The parameter marker of a JSON text bound as a string. */
  String jsonParameter() {
    return postgres() ? "CAST(? AS JSONB)" : "?";
  }

  @Override
  public void close() throws SQLException {
    try {
      if (postgres()) {
        PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } else {
        PgBench.execute(pool, "DROP ALL OBJECTS");
        try {
          PgBench.execute(pool, "SHUTDOWN");
        } catch (SQLException closedByTheShutdown) {
          // SHUTDOWN closes the connection under the pool, which then cannot reset it: the database is gone, as meant
        }
      }
    } finally {
      pool.close();
    }
  }
}
