package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pages of {@link DeclaredIndexPlanTest} on MariaDB, as the store receives them from a {@code Crm}
 * ({@code deleted = false} included): {@code EXPLAIN FORMAT=JSON} of each statement (values written as literals:
 * MariaDB has no cached generic plan) reads the document table through the composite index, with no filesort and
 * no temporary table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbDeclaredIndexPlanTest {
  private static final Logger LOG = LoggerFactory.getLogger(MariaDbDeclaredIndexPlanTest.class);

  private Connection connection;
  private JdbcStore store;

  @BeforeAll
  void load() throws SQLException {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.MARIADB);
    store = fresh.builder(Clock.systemUTC()).build();
    store.register(CustomerFields.SPEC.withIndexes(CustomerFields.DEFAULT_INDEXES
        .with(DeclaredIndexPlanTest.BY_STAGE_REGION_NAME).with(DeclaredIndexPlanTest.RECENT_BY_OWNER)));
    ObjectMapper json = new ObjectMapper();
    Random random = new Random(42);
    for (int start = 0; start < DeclaredIndexPlanTest.ROWS; start += 1_000) {
      WriteBatch.Builder batch = WriteBatch.builder();
      for (int n = start; n < start + 1_000; n++) {
        batch.insert(CustomerFields.COLLECTION, DeclaredIndexPlanTest.customer(json, random, n));
      }
      store.commit(DeclaredIndexPlanTest.TENANT, batch.build());
    }
    connection = fresh.dataSource().getConnection();
    try (Statement st = connection.createStatement()) {
      st.execute("ANALYZE TABLE " + fresh.qualifier() + "rapport_doc_customers, " + fresh.qualifier()
          + "rapport_mv_customers");
    }
  }

  @AfterAll
  void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }

  static Stream<String> pages() {
    return new TreeSet<>(DeclaredIndexPlanTest.PAGES.keySet()).stream();
  }

  @ParameterizedTest
  @MethodSource("pages")
  void thePageReadsItsCompositeIndexInOrderWithNoFilesort(String page) throws Exception {
    Query query = DeclaredIndexPlanTest.PAGES.get(page);
    assertThat(store.query(DeclaredIndexPlanTest.TENANT, CustomerFields.COLLECTION, query).items())
        .hasSize(query.limit());
    JsonNode plan = PlanChecks.explainInlined(connection, "EXPLAIN FORMAT=JSON ",
        store.pageSql(DeclaredIndexPlanTest.TENANT, CustomerFields.COLLECTION, query));
    LOG.info("plan of '{}': {}", page, plan);
    List<JsonNode> tables = new ArrayList<>();
    collect(plan, "table_name", tables);
    assertThat(tables).as("the documents are read once: %s", plan)
        .filteredOn(t -> t.path("table_name").asText().equals("d")).singleElement()
        .satisfies(t -> assertThat(t.path("key").asText()).as("index of the documents: %s", plan)
            .startsWith(DeclaredIndexPlanTest.INDEXES.get(page)));
    List<JsonNode> sorts = new ArrayList<>();
    collect(plan, "filesort", sorts);
    collect(plan, "using_filesort", sorts);
    collect(plan, "temporary_table", sorts);
    assertThat(sorts).as("no filesort and no temporary table: the rows come in index order: %s", plan).isEmpty();
  }

  /** Every object under {@code node} that has a field {@code name} (true where it is a boolean). */
  private static void collect(JsonNode node, String name, List<JsonNode> out) {
    if (node.isObject() && node.has(name) && !node.get(name).asText().equals("false")) {
      out.add(node);
    }
    node.elements().forEachRemaining(child -> collect(child, name, out));
  }
}
