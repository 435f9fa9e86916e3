package dev.rapport.crm.jdbc;

import static dev.rapport.crm.customer.CustomerFields.DELETED;
import static dev.rapport.crm.customer.CustomerFields.NAME;
import static dev.rapport.crm.customer.CustomerFields.OWNER;
import static dev.rapport.crm.customer.CustomerFields.REGION;
import static dev.rapport.crm.customer.CustomerFields.STAGE;
import static dev.rapport.crm.customer.CustomerFields.TAGS;
import static dev.rapport.crm.customer.CustomerFields.UPDATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages served by a declared composite index on PostgreSQL, as the store receives them from a {@code Crm} (the
 * services add {@code deleted = false}): the documents are read through the composite index in its order (an
 * Index Scan or Index Only Scan of {@code rapport_cx_customers_<name>_<hash>}), with no Sort above it and no Gather
 * or Gather Merge anywhere and no read of the side table (tags are filtered on the row's array column), in a custom plan, a forced generic plan and the default mode past pgjdbc's prepare
 * threshold and PostgreSQL's switch to a generic plan.
 *
 * <p>Each check runs twice: with PostgreSQL's default parallel costs, and with parallel query made as cheap as it
 * looks to the planner on a large table ({@code parallel_setup_cost} and {@code parallel_tuple_cost} 0, no minimum
 * relation size). At 1,000,000 customers the planner chose a parallel Gather Merge over the composite index for a
 * 50-row page (30–40 ms against 2–4 ms without); at the test's 30,000 rows it would not with the default costs, so
 * the second run puts the test's table where the large one was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeclaredIndexPlanTest {
  private static final Logger LOG = LoggerFactory.getLogger(DeclaredIndexPlanTest.class);
  static final int ROWS = 30_000;
  static final TenantId TENANT = TenantId.of("acme");
  static final String[] STAGES = {"LEAD", "PROSPECT", "ACTIVE", "AT_RISK", "CHURNED"};
  static final String[] TAGS_ = {"segment/vip", "segment/vip/gold", "segment/vip/silver", "segment/smb",
      "segment/enterprise", "channel/web", "channel/partner", "channel/direct", "industry/retail", "industry/energy",
      "industry/finance", "industry/health"};
  static final CompositeIndex BY_STAGE_REGION_NAME =
      CompositeIndex.of("byStageRegionName", Sort.asc(STAGE).thenAsc(REGION).thenAsc(NAME));
  static final CompositeIndex RECENT_BY_OWNER = CompositeIndex.of("recentByOwner",
      Sort.asc(OWNER).thenDesc(UPDATED_AT));

  /** The pages, each with the prefix of the composite index that must serve it. */
  static final Map<String, Query> PAGES = Map.of(
      "stage+region+tags by name", live(Criteria.and(Criteria.eq(STAGE, "ACTIVE"), Criteria.eq(REGION, "R07"),
          Criteria.tagSubtree(TAGS, "segment/vip")), Sort.asc(NAME)),
      "stage+region+tag by name", live(Criteria.and(Criteria.eq(STAGE, "ACTIVE"), Criteria.eq(REGION, "R07"),
          Criteria.in(TAGS, List.of("segment/vip", "segment/smb"))), Sort.asc(NAME)),
      "stage+region by name", live(Criteria.and(Criteria.eq(STAGE, "ACTIVE"), Criteria.eq(REGION, "R07")),
          Sort.asc(NAME)),
      "owner by updatedAt desc", live(Criteria.eq(OWNER, "user07"), Sort.desc(UPDATED_AT)));
  static final Map<String, String> INDEXES = Map.of(
      "stage+region+tags by name", "rapport_cx_customers_bystageregionname_",
      "stage+region+tag by name", "rapport_cx_customers_bystageregionname_",
      "stage+region by name", "rapport_cx_customers_bystageregionname_",
      "owner by updatedAt desc", "rapport_cx_customers_recentbyowner_");

  private final ObjectMapper json = new ObjectMapper();
  private Connection connection;
  private JdbcStore store;

  /** The query as the store receives it from the customer service: {@code deleted = false} ANDed in front. */
  static Query live(Criteria criteria, Sort sort) {
    return Query.of(Criteria.and(Criteria.eq(DELETED, false), criteria), sort, 50);
  }

  @BeforeAll
  void load() throws SQLException {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
    // one connection for everything: the plan cache and pgjdbc's prepare threshold are per connection
    connection = fresh.dataSource().getConnection();
    store = fresh.builder(Clock.systemUTC()).connectionProvider(() -> connection).build();
    store.register(CustomerFields.SPEC.withIndexes(
        CustomerFields.DEFAULT_INDEXES.with(BY_STAGE_REGION_NAME).with(RECENT_BY_OWNER)));
    Random random = new Random(42);
    for (int start = 0; start < ROWS; start += 1_000) {
      WriteBatch.Builder batch = WriteBatch.builder();
      for (int n = start; n < start + 1_000; n++) {
        batch.insert(CustomerFields.COLLECTION, customer(json, random, n));
      }
      store.commit(TENANT, batch.build());
    }
    try (Statement st = connection.createStatement()) {
      st.execute("ANALYZE " + fresh.qualifier() + "rapport_doc_customers");
      st.execute("ANALYZE " + fresh.qualifier() + "rapport_mv_customers");
    }
  }

  /** A customer with a random stage (5), region (20), owner (40), 1-3 tags; one in 50 soft-deleted. */
  static Document customer(ObjectMapper json, Random random, int n) {
    String stage = STAGES[random.nextInt(STAGES.length)];
    String region = String.format("R%02d", random.nextInt(20));
    String owner = String.format("user%02d", random.nextInt(40));
    List<Object> tags = new ArrayList<>();
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      tags.add(TAGS_[random.nextInt(TAGS_.length)]);
    }
    String name = "Customer " + Integer.toHexString(random.nextInt()) + " " + n;
    Instant updated = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(random.nextInt(10_000_000));
    boolean deleted = random.nextInt(50) == 0;
    ObjectNode body = json.createObjectNode().put("name", name).put("stage", stage).put("region", region)
        .put("owner", owner);
    tags.forEach(t -> body.withArray("tags").add((String) t));
    return new Document(String.format("c%08d", n), 1, body, Document.indexValues()
        .put(CustomerFields.KIND, "PERSON").put(NAME, name).put(STAGE, stage).put(REGION, region)
        .put(OWNER, owner).putAll(TAGS, tags).put(CustomerFields.CREATED_AT, updated)
        .put(UPDATED_AT, updated).put(DELETED, deleted).build());
  }

  @AfterAll
  void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String page : new java.util.TreeSet<>(PAGES.keySet())) {
      for (String mode : List.of("force_custom_plan", "force_generic_plan", "auto")) {
        for (boolean cheapParallel : List.of(false, true)) {
          out.add(Arguments.of(page, mode, cheapParallel));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, {1}, cheap parallel query: {2}")
  @MethodSource("cases")
  void thePageWalksItsCompositeIndexWithNoSortAndNoGather(String page, String mode, boolean cheapParallel)
      throws Exception {
    Query query = PAGES.get(page);
    JsonNode plan;
    try {
      if (cheapParallel) {
        set("parallel_setup_cost", "0");
        set("parallel_tuple_cost", "0");
        set("min_parallel_table_scan_size", "0");
        set("min_parallel_index_scan_size", "0");
      }
      plan = runPastSwitchAndExplain(query, mode);
    } finally {
      for (String setting : List.of("plan_cache_mode", "parallel_setup_cost", "parallel_tuple_cost",
          "min_parallel_table_scan_size", "min_parallel_index_scan_size")) {
        set(setting, "DEFAULT");
      }
    }
    LOG.info("plan of '{}' ({}, cheap parallel query: {}): {}", page, mode, cheapParallel, plan);
    assertServedInIndexOrder(plan, INDEXES.get(page));
  }

  private void set(String setting, String value) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("SET " + setting + " = " + value);
    }
  }

  /**
   * Runs the page 12 times through the store with the settings in force (pgjdbc prepares it on the server at the
   * fifth; PostgreSQL's plan cache chooses between custom and generic plans from that statement's sixth execution),
   * then EXPLAINs that server statement, whose plan cache has passed the switch.
   */
  private JsonNode runPastSwitchAndExplain(Query query, String mode) throws Exception {
    set("plan_cache_mode", mode);
    // a cached plan outlives a change of settings: each case plans afresh (pgjdbc's server statements stay prepared)
    try (Statement st = connection.createStatement()) {
      st.execute("DISCARD PLANS");
    }
    Page<Document> first = null;
    for (int i = 0; i < 12; i++) {
      Page<Document> page = store.query(TENANT, CustomerFields.COLLECTION, query);
      if (first == null) {
        first = page;
      }
      assertThat(page.items()).isEqualTo(first.items());
    }
    assertThat(first.items()).hasSize(query.limit());
    Sql sql = store.pageSql(TENANT, CustomerFields.COLLECTION, query);
    PlanChecks.assertPastThePlanSwitch(connection, sql);
    return PlanChecks.explainPrepared(connection, sql);
  }

  /**
   * The document table is read once, through {@code index} (a name prefix), and nothing above that scan sorts or
   * gathers: the rows come out in the index's order and the page stops after 51 of them.
   */
  static void assertServedInIndexOrder(JsonNode plan, String index) {
    List<JsonNode> nodes = PlanChecks.nodes(plan);
    List<JsonNode> docScans = nodes.stream()
        .filter(n -> n.path("Relation Name").asText().equals("rapport_doc_customers")).toList();
    assertThat(docScans).as("the documents are read once, through %s: %s", index, plan).singleElement()
        .satisfies(n -> {
          assertThat(n.path("Node Type").asText()).isIn("Index Scan", "Index Only Scan");
          assertThat(n.path("Index Name").asText()).startsWith(index);
          assertThat(n.path("Scan Direction").asText()).isEqualTo("Forward");
        });
    assertThat(nodes).as("no sort of the rows the index gives (Sort, Incremental Sort): %s", plan)
        .noneMatch(n -> n.path("Node Type").asText().contains("Sort"));
    assertThat(nodes).as("no parallel query for a 50-row page (Gather, Gather Merge): %s", plan)
        .noneMatch(n -> n.path("Node Type").asText().startsWith("Gather"));
    assertThat(plan.path("Node Type").asText()).as("a top-N that stops reading: %s", plan).isEqualTo("Limit");
    // a tag filters the rows the walk fetches anyway, on their own array column: no join, no probe per row of the
    // side table (at 1M customers its generic plan hashed all 119,813 rows of the tag; docs/benchmarks.md)
    assertThat(nodes).as("the side table is not read: %s", plan)
        .noneMatch(n -> n.path("Relation Name").asText().equals("rapport_mv_customers"));
  }
}
