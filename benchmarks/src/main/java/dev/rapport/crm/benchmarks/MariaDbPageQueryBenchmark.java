package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.store.Document;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
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
 * {@link PgPageQueryBenchmark} on MariaDB: the same filtered, sorted page (stage + tag subtree + region, by name, 50
 * rows) on {@code rows} customers, {@code store.query} against the hand-written SQL for the same page on the same
 * tables, both on pooled connections ({@link TinyPool}). The database comes from {@code RAPPORT_BENCH_MARIADB_URL}
 * (default {@code jdbc:mariadb://127.0.0.1:3306/test?user=root}; {@code rewriteBatchedStatements=true} is added, the
 * adapter README's advice for bulk loads). Sample time: read p50 and p95 from JMH's percentiles.
 *
 * <p>Each run loads the customers into a database of its own (MariaDB's schema), through the kernel's batch path
 * (commits of 5,000 inserts, same documents and composite index as the PostgreSQL run), logs the load rate, checks
 * that both sides return the same first page and logs the hand-written side's {@code ANALYZE FORMAT=JSON}; the
 * database is dropped at the end. With {@code -Drapport.bench.keep=true} the loaded database {@code bench_page_keep}
 * is kept and reused by the next run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class MariaDbPageQueryBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(MariaDbPageQueryBenchmark.class);

  @Param("1000000")
  public int rows;

  private TinyPool pool;
  private boolean keep;
  private String schema;
  private JdbcStore store;
  private String handWritten;
  private final ObjectMapper json = new ObjectMapper();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pool = new TinyPool(dataSource(), 2);
    keep = Boolean.getBoolean("rapport.bench.keep");
    schema = PgPageQueryBenchmark.pageSchema(keep);
    try {
      // the adapter creates the database (Flyway, on the schema it is given); tearDown drops it
      store = JdbcStore.builder(JdbcStore.Database.MARIADB, pool).schema(schema).build();
      store.register(PgPageQueryBenchmark.SPEC);
      if (PgPageQueryBenchmark.loadUnlessPresent(store, schema, rows)) {
        PgBench.execute(pool, "ANALYZE TABLE " + schema + ".rapport_doc_customers, " + schema
            + ".rapport_mv_customers");
      }
      handWritten = "SELECT d.id, d.version, d.body FROM " + schema + ".rapport_doc_customers d"
          + " WHERE d.tenant = ? AND d.f_stage = ? AND d.f_region = ?"
          + " AND EXISTS (SELECT 1 FROM " + schema + ".rapport_mv_customers m WHERE m.tenant = d.tenant"
          + " AND m.id = d.id AND m.field = 'tags' AND (m.v_string = ? OR m.v_string LIKE ?))"
          // the kernel's order (missing names first: MariaDB's ASC already sorts NULLs first), which the composite
          // index (tenant, f_stage, f_region, f_name, id) serves
          + " ORDER BY d.f_name, d.id LIMIT 50";
      checkSameFirstPage();
      // the hand-written side's plan, executed (real row counts and times), with the parameters it binds written as
      // literals (the driver sends them so: no server-side prepare, and MariaDB keeps no generic plan), so the run
      // records that it reads the composite index in order, with no filesort
      PgPageQueryBenchmark.logPlan(pool, "ANALYZE FORMAT=JSON " + PgPageQueryBenchmark.withPageValues(handWritten));
    } catch (Exception | Error e) {
      // JMH runs no tearDown after a failed setup: the database would be left behind
      tearDown();
      throw e;
    }
  }

  /** The database named by {@code RAPPORT_BENCH_MARIADB_URL}, with the driver's batch rewriting on. */
  static DataSource dataSource() throws SQLException {
    String url = System.getenv("RAPPORT_BENCH_MARIADB_URL");
    if (url == null || url.isBlank()) {
      url = "jdbc:mariadb://127.0.0.1:3306/test?user=root";
    }
    // the advice in the adapter's README: the driver rewrites a JDBC batch of inserts into multi-row INSERTs
    if (!url.contains("rewriteBatchedStatements")) {
      url += (url.contains("?") ? "&" : "?") + "rewriteBatchedStatements=true";
    }
    return new MariaDbDataSource(url);
  }

  /** Both sides must fetch the same page, in the same order, or the comparison means nothing. */
  private void checkSameFirstPage() throws Exception {
    List<String> rapport = rapportPage().items().stream().map(Document::id).toList();
    List<String> hand = handWrittenPage().stream().map(r -> (String) ((List<?>) r).get(0)).toList();
    if (rapport.size() != 50 || !rapport.equals(hand)) {
      throw new IllegalStateException("the two sides fetch different pages: rapport " + rapport
          + " vs hand-written " + hand);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (!keep) {
      PgBench.execute(pool, "DROP DATABASE IF EXISTS " + schema);
    }
    pool.close();
  }

  @Benchmark
  public Page<Document> rapportPage() {
    return store.query(PgBench.TENANT, CustomerFields.COLLECTION, PgBench.PAGE);
  }

  @Benchmark
  public List<Object> handWrittenPage() throws Exception {
    return PgPageQueryBenchmark.readHandWrittenPage(pool, handWritten, json);
  }
}
