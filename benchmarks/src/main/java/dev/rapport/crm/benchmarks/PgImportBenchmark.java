package dev.rapport.crm.benchmarks;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.testkit.generate.DataGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ERP import on PostgreSQL with autovacuum off on every table involved (the tables are never analysed during the
 * run, as in an import into a fresh schema): {@code rows} valid customers through {@code upsertByExternalRef}, then
 * the same file again, against a hand-written upsert loop writing the same kinds of rows (select by the unique
 * external reference; insert the document, its side rows and an outbox row, or skip; one transaction each). One
 * shot per side per iteration, each in a fresh schema; the rate of every thousand rows is logged, first and second
 * pass, so "flat from the first to the last thousand" can be read off the log.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class PgImportBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(PgImportBenchmark.class);

  @Param("10000")
  public int rows;

  private TinyPool pool;
  private List<CustomerData> file;
  private PgBench.Customers documents;
  private String schema;

  @Setup(Level.Trial)
  public void data() throws Exception {
    pool = new TinyPool(PgBench.dataSource(), 2);
    file = DataGenerator.seeded(7).customers(rows);
    documents = new PgBench.Customers();
  }

  @Setup(Level.Iteration)
  public void freshSchema() {
    schema = PgBench.freshSchemaName("import");
  }

  @TearDown(Level.Iteration)
  public void dropSchema() throws Exception {
    PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    pool.close();
  }

  private void autovacuumOff(String... tables) throws Exception {
    List<String> sql = new ArrayList<>();
    for (String t : tables) {
      sql.add("ALTER TABLE " + schema + "." + t + " SET (autovacuum_enabled = false)");
    }
    PgBench.execute(pool, sql.toArray(String[]::new));
  }

  @Benchmark
  public long rapportImportTwice() throws Exception {
    Crm crm = Crm.builder().store(JdbcStore.builder(JdbcStore.Database.POSTGRESQL, pool).schema(schema).build())
        .accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).publishAfterCommit(false).build();
    autovacuumOff("rapport_doc_customers", "rapport_mv_customers", "rapport_change", "rapport_stream_record",
        "rapport_sequence");
    Actor actor = Actor.of(PgBench.TENANT.value(), "erp");
    long done = 0;
    for (int pass = 1; pass <= 2; pass++) {
      long t = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        crm.customers().upsertByExternalRef(actor, "ERP", "E" + i, file.get(i));
        done++;
        t = logThousand("rapport", pass, i, t);
      }
    }
    return done;
  }

  @Benchmark
  public long handWrittenImportTwice() throws Exception {
    PgBench.execute(pool, "CREATE SCHEMA " + schema);
    PgBench.execute(pool, HandWrittenTables.ddl(schema, false));
    PgBench.execute(pool, "CREATE TABLE " + schema + ".outbox (tenant VARCHAR(64) NOT NULL, pos BIGSERIAL, "
        + "id VARCHAR(64) NOT NULL, type VARCHAR(100) NOT NULL, payload JSONB NOT NULL, "
        + "recorded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (tenant, pos))");
    autovacuumOff("customer", "customer_value", "outbox");
    HandWrittenTables tables = new HandWrittenTables(schema);
    String find = "SELECT id FROM " + schema + ".customer_value WHERE tenant = ? AND field = 'externalRefs'"
        + " AND u_value = ?";
    String event = "INSERT INTO " + schema + ".outbox (tenant, id, type, payload, recorded_at)"
        + " VALUES (?, ?, 'customer.created', CAST(? AS JSONB), ?)";
    long done = 0;
    for (int pass = 1; pass <= 2; pass++) {
      long t = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        Document d = documents.get(i);
        try (Connection c = pool.getConnection()) {
          c.setAutoCommit(false);
          try (PreparedStatement ps = c.prepareStatement(find)) {
            ps.setString(1, PgBench.TENANT.value());
            ps.setString(2, "ERP:E" + i);
            boolean exists;
            try (ResultSet rs = ps.executeQuery()) {
              exists = rs.next();
            }
            if (!exists) {
              try (PreparedStatement doc = c.prepareStatement(tables.insertDoc);
                  PreparedStatement value = c.prepareStatement(tables.insertValue);
                  PreparedStatement out = c.prepareStatement(event)) {
                HandWrittenTables.addRows(doc, value, PgBench.TENANT.value(), d);
                doc.executeBatch();
                value.executeBatch();
                out.setString(1, PgBench.TENANT.value());
                out.setString(2, UUID.randomUUID().toString());
                out.setString(3, d.body().toString());
                out.setTimestamp(4, Timestamp.from(Instant.now()));
                out.executeUpdate();
              }
            }
          }
          c.commit();
        }
        done++;
        t = logThousand("hand-written", pass, i, t);
      }
    }
    return done;
  }

  private static long logThousand(String side, int pass, int i, long since) {
    if ((i + 1) % 1_000 != 0) {
      return since;
    }
    long now = System.nanoTime();
    LOG.info("{} pass {} rows {}-{}: {} rows/s", side, pass, i - 998, i + 1,
        String.format("%.0f", 1_000 / ((now - since) / 1e9)));
    return now;
  }
}
