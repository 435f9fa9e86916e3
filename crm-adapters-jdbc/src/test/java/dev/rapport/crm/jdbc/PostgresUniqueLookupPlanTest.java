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
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lookups by id and by unique value start from their unique index whatever the statistics: the tables are loaded
 * with autovacuum off and never analysed, and each statement is first run past pgjdbc's prepare threshold while the
 * tables hold ten documents, as at the start of an import, before the rest are loaded: PostgreSQL keeps the generic
 * plan it made then (nothing invalidates it without ANALYZE). Each statement is then checked with a custom plan, a
 * forced generic plan and the default mode. Before, the lookup by external reference (an EXISTS over the side table)
 * kept a generic plan that walked every document of the tenant through an index on {@code (tenant, ...)} and probed
 * the side table for each: about 10 ms a call at 3,000 customers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresUniqueLookupPlanTest {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresUniqueLookupPlanTest.class);

  private Connection connection;
  private JdbcStore store;

  @BeforeAll
  void load() throws SQLException {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
    // one connection: the plan cache and pgjdbc's prepare threshold are per connection
    connection = fresh.dataSource().getConnection();
    store = fresh.builder(Clock.systemUTC()).connectionProvider(() -> connection).build();
    store.register(UniqueLookupFixture.SPEC);
    try (Statement st = connection.createStatement()) {
      for (String table : List.of("rapport_doc_", "rapport_mv_")) {
        st.execute("ALTER TABLE " + fresh.qualifier() + table + COLLECTION + " SET (autovacuum_enabled = false)");
      }
    }
    UniqueLookupFixture.load(store, 0, 10);
    // pgjdbc prepares the statement on the server at its 5th execution; PostgreSQL plans that server statement
    // generically from its 6th: 12 executions leave a generic plan made while the tables hold ten documents
    for (int i = 0; i < 12; i++) {
      int n = i % 10;
      findByRef(n);
      findByCode(n);
      getById(n);
    }
    UniqueLookupFixture.load(store, 10, UniqueLookupFixture.ROWS);
  }

  private void findByRef(int n) {
    assertThat(store.findUnique(TENANT, COLLECTION, REFS, UniqueLookupFixture.ref(n)))
        .hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(UniqueLookupFixture.id(n)));
  }

  private void findByCode(int n) {
    assertThat(store.findUnique(TENANT, COLLECTION, CODE, UniqueLookupFixture.code(n)))
        .hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(UniqueLookupFixture.id(n)));
  }

  private void getById(int n) {
    assertThat(store.get(TENANT, COLLECTION, UniqueLookupFixture.id(n))).isPresent();
  }

  @AfterAll
  void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
  void lookupByAMultiValuedUniqueValueStartsFromTheSideTablesUniqueIndex(String mode) throws Exception {
    JsonNode plan = PlanChecks.runAndExplain(connection, mode, UniqueLookupFixture.ROWS,
        n -> store.findUniqueSql(TENANT, COLLECTION, REFS, UniqueLookupFixture.ref(n)), this::findByRef);
    PlanChecks.assertIndexOnly(plan, "rapport_doc_accounts_pkey",
        "rapport_mv_accounts_unique|rapport_mv_accounts_v_string",
        // twice on PostgreSQL: the sub-select gives both bounds of the id range (two InitPlans, one probe each)
        "rapport_mv_accounts_unique|rapport_mv_accounts_v_string");
    // the side table is read by an equality on the value, not walked along (tenant, field) with a filter
    assertThat(PlanChecks.nodes(plan)).as("the side-table lookup: %s", plan)
        .anyMatch(n -> n.path("Relation Name").asText().equals("rapport_mv_accounts")
            && n.path("Index Cond").asText().matches(".*(u_value|v_string).*"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
  void lookupByASingleValuedUniqueValueStartsFromItsUniqueIndex(String mode) throws Exception {
    JsonNode plan = PlanChecks.runAndExplain(connection, mode, UniqueLookupFixture.ROWS,
        n -> store.findUniqueSql(TENANT, COLLECTION, CODE, UniqueLookupFixture.code(n)), this::findByCode);
    PlanChecks.assertIndexOnly(plan, "rapport_ux_accounts_f_code");
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
  void lookupByIdStartsFromThePrimaryKey(String mode) throws Exception {
    JsonNode plan = PlanChecks.runAndExplain(connection, mode, UniqueLookupFixture.ROWS,
        n -> store.getSql(TENANT, COLLECTION, UniqueLookupFixture.id(n)), this::getById);
    PlanChecks.assertIndexOnly(plan, "rapport_doc_accounts_pkey");
  }
}
