package dev.rapport.crm.jdbc;

import static dev.rapport.crm.jdbc.UniqueLookupFixture.CODE;
import static dev.rapport.crm.jdbc.UniqueLookupFixture.COLLECTION;
import static dev.rapport.crm.jdbc.UniqueLookupFixture.REFS;
import static dev.rapport.crm.jdbc.UniqueLookupFixture.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rapport.crm.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lookups by id and by unique value start from their unique index on MariaDB, on tables never analysed. MariaDB has
 * no cached generic plan: one {@code EXPLAIN FORMAT=JSON} of each statement, its values written as literals, is the
 * check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbUniqueLookupPlanTest {
  private static final Logger LOG = LoggerFactory.getLogger(MariaDbUniqueLookupPlanTest.class);

  private Connection connection;
  private JdbcStore store;

  @BeforeAll
  void load() throws SQLException {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.MARIADB);
    store = fresh.builder(Clock.systemUTC()).build();
    store.register(UniqueLookupFixture.SPEC);
    UniqueLookupFixture.load(store, 0, UniqueLookupFixture.ROWS);
    connection = fresh.dataSource().getConnection();
  }

  @AfterAll
  void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }

  @Test
  void lookupByAMultiValuedUniqueValueStartsFromTheSideTablesUniqueIndex() throws Exception {
    assertThat(store.findUnique(TENANT, COLLECTION, REFS, UniqueLookupFixture.ref(1_234))).isPresent();
    assertKeys(store.findUniqueSql(TENANT, COLLECTION, REFS, UniqueLookupFixture.ref(1_234)),
        Map.of("m", "rapport_mv_accounts_unique", "d", "PRIMARY"));
  }

  @Test
  void lookupByASingleValuedUniqueValueStartsFromItsUniqueIndex() throws Exception {
    assertKeys(store.findUniqueSql(TENANT, COLLECTION, CODE, UniqueLookupFixture.code(1_234)),
        Map.of("d", "rapport_ux_accounts_f_code"));
  }

  @Test
  void lookupByIdStartsFromThePrimaryKey() throws Exception {
    assertKeys(store.getSql(TENANT, COLLECTION, UniqueLookupFixture.id(1_234)), Map.of("d", "PRIMARY"));
  }

  /** Each table (by alias) is read through {@code keys}' index by a single-row access, never scanned. */
  private void assertKeys(Sql sql, Map<String, String> keys) throws SQLException {
    JsonNode plan = PlanChecks.explainInlined(connection, "EXPLAIN FORMAT=JSON ", sql);
    LOG.info("plan: {}", plan);
    List<JsonNode> tables = new ArrayList<>();
    collectTables(plan, tables);
    assertThat(tables).as("tables read: %s", plan).hasSize(keys.size());
    for (JsonNode t : tables) {
      assertThat(t.path("key").asText()).as("index of %s: %s", t.path("table_name"), plan)
          .isEqualTo(keys.get(t.path("table_name").asText()));
      assertThat(t.path("access_type").asText()).as("single-row access of %s: %s", t.path("table_name"), plan)
          .isIn("const", "eq_ref");
    }
  }

  private static void collectTables(JsonNode node, List<JsonNode> out) {
    if (node.isObject() && node.has("table_name") && node.has("access_type")) {
      out.add(node);
    }
    node.elements().forEachRemaining(child -> collectTables(child, out));
  }
}
