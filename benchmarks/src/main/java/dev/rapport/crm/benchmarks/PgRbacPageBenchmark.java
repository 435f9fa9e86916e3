package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.jdbc.JdbcStore;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.rbac.Rbac;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.Document;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
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
 * The first page (50, by name) of the customers in one stage with one tag, as a sales rep sees them, on
 * {@code rows} customers in PostgreSQL: {@code crm.customers().find} on a {@link Crm} whose access policy is an
 * {@link Rbac} granting the rep the customers of the rep's region and team, against the best hand-written SQL for the
 * same rows on a plain table holding the same data.
 *
 * <ul>
 *   <li>Rapport: the policy's view rule {@code resource.region == subject.region && resource.team ==
 *       subject.team}; the customers' index set is {@code rbac.requiredIndexes} (the default set plus region and
 *       team) with the list's composite index (stage, region, team, name). {@code find} adds the rep's filter to the
 *       query, runs it and returns masked {@link Customer}s.</li>
 *   <li>Hand-written: one table {@code plain_customer} with the typed columns the query reads, the tags as a
 *       {@code text[]}, the same JSON bodies, and the index a DBA would create for the page: (tenant, stage, region,
 *       team, name, id), partial on the live customers. The statement names the rep's region and team itself and
 *       reads id, version and the parsed body.</li>
 * </ul>
 *
 * <p>The customers are {@link PgBench.Customers} with a team each ({@value #TEAMS} teams), loaded once per run on
 * both sides (the kernel's batch path, a JDBC batch for the plain table), commits of 5,000, then vacuumed and
 * analyzed (the state autovacuum would leave them in; the benchmark server may run without it). Setup checks that
 * both sides return the same ids in the same order (a full page of 50 at 1,000,000 customers) and logs the
 * hand-written side's plan. With {@code -Drapport.bench.keep=true} the schema {@code bench_rbac_page_keep} is kept
 * and reused by the next run.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@State(Scope.Benchmark)
public class PgRbacPageBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(PgRbacPageBenchmark.class);
  static final int TEAMS = 10;
  static final String STAGE = "ACTIVE";
  static final String TAG = "segment/vip";
  static final String REGION = "R07";
  static final String TEAM = "T3";
  static final int PAGE = 50;
  private static final int COMMIT = 5_000;
  /** What the hand-written statement binds, in order: tenant, stage, region, team, the tag. */
  static final String[] VALUES = {PgBench.TENANT.value(), STAGE, REGION, TEAM, TAG};

  @Param("1000000")
  public int rows;

  private TinyPool pool;
  private boolean keep;
  private String schema;
  private Crm crm;
  private JdbcStore store;
  private Query storeQuery;
  private TinyPool customPlanPool;
  private Crm crmCustomPlans;
  private Actor rep;
  private Query query;
  private String handWritten;
  private final ObjectMapper json = new ObjectMapper();
  /** Customers as Jackson maps their stored JSON: ISO instants, exact decimals, unknown fields ignored. */
  private final ObjectMapper customers = new ObjectMapper().registerModule(new JavaTimeModule())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Row {@code i} of {@link PgBench.Customers} with a team: the same on both sides and in every run. */
  static IntFunction<Document> customersWithTeams() {
    PgBench.Customers customers = new PgBench.Customers();
    return i -> {
      Document d = customers.get(i);
      String team = "T" + new Random(i * 0xC2B2AE3D27D4EB4FL).nextInt(TEAMS);
      ObjectNode body = d.body().put(CustomerFields.TEAM, team);
      Map<String, List<Object>> index = new LinkedHashMap<>(d.index());
      index.put(CustomerFields.TEAM, List.of(team));
      return new Document(d.id(), d.version(), body, index);
    };
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pool = new TinyPool(PgBench.dataSource(), 2);
    keep = Boolean.getBoolean("rapport.bench.keep");
    schema = keep ? "bench_rbac_page_keep" : PgBench.freshSchemaName("rbacpage");
    store = JdbcStore.builder(JdbcStore.Database.POSTGRESQL, pool).schema(schema).build();
    Rbac rbac = policy();
    crm = crm(store, rbac);
    // the diagnostic side: the same Crm on connections that never use a generic plan
    PGSimpleDataSource customPlans = PgBench.dataSource();
    customPlans.setOptions("-c plan_cache_mode=force_custom_plan");
    customPlanPool = new TinyPool(customPlans, 2);
    crmCustomPlans = crm(JdbcStore.builder(JdbcStore.Database.POSTGRESQL, customPlanPool).schema(schema).build(), policy());
    PgPageQueryBenchmark.loadUnlessPresent(store, schema, rows, PgRbacPageBenchmark::customersWithTeams);
    loadPlainTableUnlessPresent();
    // the state autovacuum leaves a loaded table in (visibility map set, statistics current), on both sides, also
    // on a server running without autovacuum; quick when a kept schema was vacuumed before
    PgBench.execute(pool, "VACUUM (ANALYZE) " + schema + ".rapport_doc_customers",
        "VACUUM (ANALYZE) " + schema + ".rapport_mv_customers", "VACUUM (ANALYZE) " + schema + ".plain_customer");
    rep = Actor.of(PgBench.TENANT.value(), "rep-3").withRoles("rep").withAttribute("region", REGION)
        .withAttribute("team", TEAM);
    query = Query.of(Criteria.and(Criteria.eq(CustomerFields.STAGE, STAGE), Criteria.eq(CustomerFields.TAGS, TAG)),
        Sort.asc(CustomerFields.NAME), PAGE);
    // what the customer service asks the store: the rep's filter, the live customers, the query
    Criteria repFilter = ((DataFilter.Where) rbac.filter(rep, Action.VIEW, CustomerFields.TYPE)).criteria();
    storeQuery = Query.of(Criteria.and(repFilter, Criteria.and(Criteria.eq(CustomerFields.DELETED, false),
        query.criteria())), query.sort(), PAGE);
    handWritten = "SELECT id, version, body FROM " + schema + ".plain_customer"
        + " WHERE tenant = ? AND stage = ? AND region = ? AND team = ? AND ? = ANY (tags) AND NOT deleted"
        + " ORDER BY name, id LIMIT " + PAGE;
    PgPageQueryBenchmark.logPlan(pool, "EXPLAIN (ANALYZE, BUFFERS) " + PgPageQueryBenchmark.withValues(handWritten,
        VALUES));

    List<String> byRapport = rapportPage().items().stream().map(Customer::id).toList();
    List<String> byHand = handWrittenPage().stream().map(row -> (String) ((List<?>) row).get(0)).toList();
    List<String> byCustomPlans = rapportPageCustomPlans().items().stream().map(Customer::id).toList();
    List<String> byStore = storePage().items().stream().map(Document::id).toList();
    if (byRapport.isEmpty() || !byRapport.equals(byHand) || !byRapport.equals(byCustomPlans)
        || !byRapport.equals(byStore)) {
      throw new IllegalStateException("the sides disagree: Rapport " + byRapport + ", hand-written " + byHand
          + ", Rapport with custom plans " + byCustomPlans + ", the store's page " + byStore);
    }
    LOG.info("both sides return the same {} customers (a page holds {})", byRapport.size(), PAGE);
  }

  /** The rep's policy; an {@link Rbac} serves one {@link Crm}, so each side gets its own. */
  private static Rbac policy() {
    return Rbac.builder().attributes("region", "team")
        .role("rep", r -> r.permitWhen("customer", "resource.region == subject.region && resource.team == "
            + "subject.team", Action.VIEW))
        .build();
  }

  /** A Crm on {@code store} with {@code rbac} and the index set of this page. */
  private static Crm crm(JdbcStore store, Rbac rbac) {
    return Crm.builder().store(store).accessPolicy(rbac).audit(AuditRecorder.none()).publishAfterCommit(false)
        .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE).with(
            CompositeIndex.of("byStageRegionTeamName", Sort.asc(CustomerFields.STAGE).thenAsc(CustomerFields.REGION)
                .thenAsc(CustomerFields.TEAM).thenAsc(CustomerFields.NAME))))
        .build();
  }

  /**
   * The plain table, its index and its rows (the same documents as Rapport's, in commits of 5,000), unless a kept
   * schema holds them already.
   */
  private void loadPlainTableUnlessPresent() throws SQLException {
    String table = schema + ".plain_customer";
    PgBench.execute(pool, "CREATE TABLE IF NOT EXISTS " + table + " (tenant VARCHAR(64) COLLATE \"C\" NOT NULL, "
        + "id VARCHAR(64) COLLATE \"C\" NOT NULL, version BIGINT NOT NULL, body JSONB NOT NULL, "
        + "name VARCHAR(255) COLLATE \"C\", stage VARCHAR(40) COLLATE \"C\", region VARCHAR(100) COLLATE \"C\", "
        + "team VARCHAR(100) COLLATE \"C\", tags TEXT[] NOT NULL, deleted BOOLEAN NOT NULL, PRIMARY KEY (tenant, id))");
    long present = count(pool, table);
    if (present == rows) {
      return;
    }
    if (present != 0) {
      throw new IllegalStateException(table + " holds " + present + " rows, not " + rows + "; drop it");
    }
    IntFunction<Document> customers = customersWithTeams();
    long start = System.nanoTime();
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (tenant, id, version, body, name, "
          + "stage, region, team, tags, deleted) VALUES (?, ?, ?, CAST(? AS JSONB), ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          Document d = customers.apply(i);
          ps.setString(1, PgBench.TENANT.value());
          ps.setString(2, d.id());
          ps.setLong(3, d.version());
          ps.setString(4, d.body().toString());
          ps.setString(5, single(d, CustomerFields.NAME));
          ps.setString(6, single(d, CustomerFields.STAGE));
          ps.setString(7, single(d, CustomerFields.REGION));
          ps.setString(8, single(d, CustomerFields.TEAM));
          ps.setArray(9, c.createArrayOf("text", d.values(CustomerFields.TAGS).toArray()));
          ps.setBoolean(10, Boolean.TRUE.equals(d.values(CustomerFields.DELETED).stream().findFirst().orElse(false)));
          ps.addBatch();
          if ((i + 1) % COMMIT == 0 || i == rows - 1) {
            ps.executeBatch();
            c.commit();
          }
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("loaded {} rows into the plain table in {} s: {} rows/s", rows, String.format("%.1f", seconds),
        String.format("%.0f", rows / seconds));
    // the index a DBA would create for this page: the equalities, then the order, on the live customers
    PgBench.execute(pool, "CREATE INDEX plain_customer_page ON " + table
        + " (tenant, stage, region, team, name, id) WHERE NOT deleted");
  }

  private static @Nullable String single(Document d, String field) {
    List<Object> v = d.values(field);
    return v.isEmpty() ? null : (String) v.get(0);
  }

  private static long count(DataSource ds, String table) throws SQLException {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    crm.close();
    crmCustomPlans.close();
    customPlanPool.close();
    if (!keep) {
      PgBench.execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    pool.close();
  }

  /** Rapport: the page as the rep sees it, through the Crm and its RBAC policy. */
  @Benchmark
  public Page<Customer> rapportPage() {
    return crm.customers().find(rep, query);
  }

  /**
   * Diagnostic, not the measured side: Rapport on connections with {@code plan_cache_mode=force_custom_plan}, which
   * tells how much of the gap is PostgreSQL's switch to a generic plan for the kernel's prepared page statement.
   */
  @Benchmark
  public Page<Customer> rapportPageCustomPlans() {
    return crmCustomPlans.customers().find(rep, query);
  }

  /**
   * Diagnostic, not the measured side: the kernel's page alone, the statement {@link #rapportPage} runs (the rep's
   * filter, {@code deleted = false} and the query) returning documents (id, version, parsed body and index values)
   * like the hand-written side returns its rows, without turning them into masked {@link Customer}s.
   */
  @Benchmark
  public Page<Document> storePage() {
    return store.query(PgBench.TENANT, CustomerFields.COLLECTION, storeQuery);
  }

  /**
   * Diagnostic, not the anchor: the hand-written page, each body then turned into a {@link Customer} by Jackson
   * (what an application writing its own SQL would do): the same output as {@link #rapportPage}, which tells how
   * much of the gap is the aggregate mapping the anchor does not do.
   */
  @Benchmark
  public List<Customer> handWrittenPageAsCustomers() throws Exception {
    List<Object> rows = handWrittenPage();
    List<Customer> out = new java.util.ArrayList<>(rows.size());
    for (Object row : rows) {
      out.add(customers.treeToValue((ObjectNode) ((List<?>) row).get(2), Customer.class));
    }
    return out;
  }

  /** The best hand-written SQL for the same rows on the plain table. */
  @Benchmark
  public List<Object> handWrittenPage() throws Exception {
    return PgPageQueryBenchmark.readHandWrittenPage(pool, handWritten, VALUES, json);
  }
}
