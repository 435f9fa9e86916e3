package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.sql.DataSource;
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
 * A filtered, sorted page (stage + tag subtree + region, by name, 50 rows) on {@code rows} customers in PostgreSQL:
 * {@code store.query} against the hand-written SQL for the same page on the same tables. Both run thousands of times
 * on pooled connections, far past pgjdbc's prepare threshold and PostgreSQL's switch to a generic plan (after five
 * executions). Sample time: read p50 and p95 from JMH's percentiles.
 *
 * <p>The customers are loaded once per run through the kernel's batch path (commits of 5,000 inserts) and the load
 * rate is logged. With {@code -Drapport.bench.keep=true} the loaded schema {@code bench_page_keep} is kept and
 * reused by the next run. The loading, the hand-written side's binding and the plan logging are shared with
 * {@link MariaDbPageQueryBenchmark}, the same page on MariaDB.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class PgPageQueryBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(PgPageQueryBenchmark.class);
  private static final int COMMIT = 5_000;
  /**
   * The customers' default set and the composite index of this list (stage and region compared with equality,
   * sorted by name): the index a DBA would create for it, declared through the index set, used by both sides.
   */
  static final CollectionSpec SPEC = CustomerFields.SPEC.withIndexes(CustomerFields.DEFAULT_INDEXES
      .with(CompositeIndex.of("byStageRegionName",
          Sort.asc(CustomerFields.STAGE).thenAsc(CustomerFields.REGION).thenAsc(CustomerFields.NAME))));
  /**
   * What a hand-written page statement binds, in this order: tenant, stage, region, the tag, the tag's subtree as a
   * LIKE pattern (the values of {@link PgBench#PAGE}).
   */
  static final String[] PAGE_VALUES = {PgBench.TENANT.value(), "ACTIVE", "R07", "segment/vip", "segment/vip/%"};

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
    pool = new TinyPool(PgBench.dataSource(), 2);
    keep = Boolean.getBoolean("rapport.bench.keep");
    schema = pageSchema(keep);
    store = JdbcStore.builder(JdbcStore.Database.POSTGRESQL, pool).schema(schema).build();
    store.register(SPEC);
    if (loadUnlessPresent(store, schema, rows)) {
      PgBench.execute(pool, "ANALYZE " + schema + ".rapport_doc_customers",
          "ANALYZE " + schema + ".rapport_mv_customers");
    }
    handWritten = "SELECT d.id, d.version, d.body FROM " + schema + ".rapport_doc_customers d"
        + " WHERE d.tenant = ? AND d.f_stage = ? AND d.f_region = ?"
        + " AND EXISTS (SELECT 1 FROM " + schema + ".rapport_mv_customers m WHERE m.tenant = d.tenant"
        + " AND m.id = d.id AND m.field = 'tags' AND (m.v_string = ? OR m.v_string LIKE ?))"
        // the kernel's order (missing names first), which the composite index (tenant, f_stage NULLS FIRST,
        // f_region NULLS FIRST, f_name NULLS FIRST, id) serves
        + " ORDER BY d.f_name NULLS FIRST, d.id LIMIT 50";
    // the hand-written side's plan, with the parameters it binds
    logPlan(pool, "EXPLAIN (ANALYZE, BUFFERS) " + withPageValues(handWritten));
  }

  /**
   * Runs {@code explain} (an EXPLAIN of a hand-written page statement, its parameters written as literals by
   * {@link #withPageValues}) and logs the plan, so the run records that the hand-written side is at its best.
   */
  static void logPlan(DataSource pool, String explain) throws SQLException {
    try (Connection c = pool.getConnection(); java.sql.Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(explain)) {
      StringBuilder plan = new StringBuilder();
      while (rs.next()) {
        plan.append('\n').append(rs.getString(1));
      }
      LOG.info("hand-written page plan:{}", plan);
    }
  }

  /** The schema of a run: a fresh one, or with {@code keep} the one kept from the last run. */
  static String pageSchema(boolean keep) {
    return keep ? "bench_page_keep" : PgBench.freshSchemaName("page");
  }

  /**
   * Loads {@code rows} customers ({@link PgBench.Customers}) into {@code store} through the kernel's batch path,
   * commits of 5,000, and logs the load rate; unless {@code schema} already holds exactly that many (a kept schema).
   * True when it loaded (the caller then updates the tables' statistics).
   */
  static boolean loadUnlessPresent(JdbcStore store, String schema, int rows) {
    return loadUnlessPresent(store, schema, rows, () -> new PgBench.Customers()::get);
  }

  /**
   * {@link #loadUnlessPresent(JdbcStore, String, int)} with other rows: row {@code i} is {@code source.get().apply(i)}
   * (the supplier is asked only when the rows are loaded).
   */
  static boolean loadUnlessPresent(JdbcStore store, String schema, int rows,
                                   Supplier<IntFunction<Document>> source) {
    long present = store.count(PgBench.TENANT, CustomerFields.COLLECTION, dev.rapport.crm.query.Criteria.all());
    if (present == rows) {
      return false;
    }
    if (present != 0) {
      throw new IllegalStateException(schema + " holds " + present + " customers, not " + rows + "; drop it");
    }
    IntFunction<Document> customers = source.get();
    long start = System.nanoTime();
    for (int from = 0; from < rows; from += COMMIT) {
      WriteBatch.Builder batch = WriteBatch.builder();
      for (int i = from; i < Math.min(rows, from + COMMIT); i++) {
        batch.insert(CustomerFields.COLLECTION, customers.apply(i));
      }
      store.commit(PgBench.TENANT, batch.build());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("loaded {} customers through the kernel's batch path in {} s: {} rows/s", rows,
        String.format("%.1f", seconds), String.format("%.0f", rows / seconds));
    return true;
  }

  /** {@code sql}'s parameters written as the page's literals ({@link #PAGE_VALUES}), for EXPLAIN. */
  static String withPageValues(String sql) {
    return withValues(sql, PAGE_VALUES);
  }

  /** {@code sql}'s parameters written as the literals {@code values}, in order, for EXPLAIN. */
  static String withValues(String sql, String... values) {
    String out = sql;
    for (String v : values) {
      out = out.replaceFirst("\\?", "'" + v + "'");
    }
    return out;
  }

  /**
   * Runs a hand-written page statement that binds {@link #PAGE_VALUES} in that order and selects id, version, body:
   * the rows as {@code [id, version, parsed body]}.
   */
  static List<Object> readHandWrittenPage(DataSource pool, String sql, ObjectMapper json) throws Exception {
    return readHandWrittenPage(pool, sql, PAGE_VALUES, json);
  }

  /**
   * Runs a hand-written page statement that binds {@code values} in that order and selects id, version, body: the
   * rows as {@code [id, version, parsed body]}.
   */
  static List<Object> readHandWrittenPage(DataSource pool, String sql, String[] values, ObjectMapper json)
      throws Exception {
    List<Object> out = new ArrayList<>(50);
    try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        ps.setString(i + 1, values[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(List.of(rs.getString(1), rs.getLong(2), json.readTree(rs.getString(3))));
        }
      }
    }
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (!keep) {
      PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    pool.close();
  }

  @Benchmark
  public Object rapportPage() {
    return store.query(PgBench.TENANT, CustomerFields.COLLECTION, PgBench.PAGE);
  }

  @Benchmark
  public Object handWrittenPage() throws Exception {
    return readHandWrittenPage(pool, handWritten, json);
  }
}
