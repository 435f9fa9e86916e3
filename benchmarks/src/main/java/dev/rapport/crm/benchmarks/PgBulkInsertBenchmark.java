package dev.rapport.crm.benchmarks;

import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading {@code rows} customers: the kernel's batch path ({@code store.commit} of 5,000 inserts per commit: document
 * rows with their index columns, side-table rows, change-feed rows) against a plain JDBC batch insert of the same
 * documents into hand-written tables with the same columns and indexes (document rows and tag/email/... rows, no
 * change feed). One shot per side into a fresh schema; rows per second = rows / time.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class PgBulkInsertBenchmark {
  private static final int COMMIT = 5_000;
  private static final List<String> SINGLE = List.of("kind", "name", "stage", "grade", "owner", "team", "department",
      "region", "creditLimit", "currency", "createdAt", "updatedAt", "stageChangedAt", "deleted");
  private static final List<String> MULTI = List.of("tags", "emails", "phones", "countries", "cities", "externalRefs");

  @Param("200000")
  public int rows;

  private TinyPool pool;
  private PgBench.Customers customers;
  private String schema;

  @Setup(Level.Trial)
  public void generator() throws Exception {
    pool = new TinyPool(PgBench.dataSource(), 2); // Flyway holds two connections while it migrates
    customers = new PgBench.Customers();
  }

  @Setup(Level.Iteration)
  public void freshSchema() {
    schema = PgBench.freshSchemaName("bulk");
  }

  @TearDown(Level.Iteration)
  public void dropSchema() throws Exception {
    PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  @TearDown(Level.Trial)
  public void close() {
    pool.close();
  }

  @Benchmark
  public Object kernelBatchPath() {
    JdbcStore store = JdbcStore.builder(JdbcStore.Database.POSTGRESQL, pool).schema(schema).build();
    store.register(CustomerFields.SPEC);
    for (int from = 0; from < rows; from += COMMIT) {
      WriteBatch.Builder batch = WriteBatch.builder();
      for (int i = from; i < Math.min(rows, from + COMMIT); i++) {
        batch.insert(CustomerFields.COLLECTION, customers.get(i));
      }
      store.commit(PgBench.TENANT, batch.build());
    }
    return store;
  }

  @Benchmark
  public Object plainJdbcBatch() throws Exception {
    List<String> ddl = new ArrayList<>();
    ddl.add("CREATE SCHEMA " + schema);
    StringBuilder cols = new StringBuilder();
    for (String f : SINGLE) {
      cols.append(", f_").append(f).append(' ').append(type(f));
    }
    ddl.add("CREATE TABLE " + schema + ".customer (tenant VARCHAR(64) COLLATE \"C\" NOT NULL, id VARCHAR(64) COLLATE \"C\" "
        + "NOT NULL, version BIGINT NOT NULL, body JSONB NOT NULL" + cols + ", PRIMARY KEY (tenant, id))");
    for (String f : SINGLE) {
      ddl.add("CREATE INDEX ON " + schema + ".customer (tenant, f_" + f + ")");
    }
    ddl.add("CREATE TABLE " + schema + ".customer_value (tenant VARCHAR(64) COLLATE \"C\" NOT NULL, id VARCHAR(64) "
        + "COLLATE \"C\" NOT NULL, field VARCHAR(30) NOT NULL, value VARCHAR(255) COLLATE \"C\" NOT NULL, "
        + "u_value VARCHAR(300))");
    ddl.add("CREATE INDEX ON " + schema + ".customer_value (tenant, id, field)");
    ddl.add("CREATE UNIQUE INDEX ON " + schema + ".customer_value (tenant, field, u_value)");
    ddl.add("CREATE INDEX ON " + schema + ".customer_value (tenant, field, value, id)");
    PgBench.execute(pool, ddl.toArray(String[]::new));
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < SINGLE.size(); i++) {
      marks.append(", ?");
    }
    String insertDoc = "INSERT INTO " + schema + ".customer (tenant, id, version, body, f_"
        + String.join(", f_", SINGLE) + ") VALUES (?, ?, 1, CAST(? AS JSONB)" + marks + ")";
    String insertValue = "INSERT INTO " + schema + ".customer_value (tenant, id, field, value, u_value) "
        + "VALUES (?, ?, ?, ?, ?)";
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement doc = c.prepareStatement(insertDoc); PreparedStatement value = c.prepareStatement(insertValue)) {
        for (int from = 0; from < rows; from += COMMIT) {
          for (int i = from; i < Math.min(rows, from + COMMIT); i++) {
            Document d = customers.get(i);
            doc.setString(1, PgBench.TENANT.value());
            doc.setString(2, d.id());
            doc.setString(3, d.body().toString());
            for (int n = 0; n < SINGLE.size(); n++) {
              List<Object> v = d.values(SINGLE.get(n));
              bind(doc, 4 + n, SINGLE.get(n), v.isEmpty() ? null : v.get(0));
            }
            doc.addBatch();
            for (String f : MULTI) {
              for (Object v : d.values(f)) {
                value.setString(1, PgBench.TENANT.value());
                value.setString(2, d.id());
                value.setString(3, f);
                value.setString(4, (String) v);
                value.setString(5, f.equals("externalRefs") ? (String) v : null);
                value.addBatch();
              }
            }
          }
          doc.executeBatch();
          value.executeBatch();
          c.commit();
        }
      }
    }
    return schema;
  }

  private static String type(String field) {
    return switch (field) {
      case "creditLimit" -> "NUMERIC(40,10)";
      case "createdAt", "updatedAt", "stageChangedAt" -> "TIMESTAMP(3) WITH TIME ZONE";
      case "deleted" -> "BOOLEAN";
      default -> "VARCHAR(255) COLLATE \"C\"";
    };
  }

  private static void bind(PreparedStatement ps, int index, String field, Object value) throws Exception {
    if (value == null) {
      ps.setNull(index, switch (field) {
        case "creditLimit" -> Types.NUMERIC;
        case "createdAt", "updatedAt", "stageChangedAt" -> Types.TIMESTAMP_WITH_TIMEZONE;
        case "deleted" -> Types.BOOLEAN;
        default -> Types.VARCHAR;
      });
    } else if (value instanceof Instant t) {
      ps.setTimestamp(index, Timestamp.from(t));
    } else if (value instanceof BigDecimal d) {
      ps.setBigDecimal(index, d);
    } else if (value instanceof Boolean b) {
      ps.setBoolean(index, b);
    } else {
      ps.setString(index, (String) value);
    }
  }
}
