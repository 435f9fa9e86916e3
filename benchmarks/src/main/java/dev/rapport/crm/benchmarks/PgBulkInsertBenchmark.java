package dev.rapport.crm.benchmarks;

import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
    PgBench.execute(pool, HandWrittenTables.ddl(schema, true));
    HandWrittenTables tables = new HandWrittenTables(schema);
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement doc = c.prepareStatement(tables.insertDoc);
          PreparedStatement value = c.prepareStatement(tables.insertValue)) {
        for (int from = 0; from < rows; from += COMMIT) {
          for (int i = from; i < Math.min(rows, from + COMMIT); i++) {
            HandWrittenTables.addRows(doc, value, PgBench.TENANT.value(), customers.get(i));
          }
          doc.executeBatch();
          value.executeBatch();
          c.commit();
        }
      }
    }
    return schema;
  }
}
