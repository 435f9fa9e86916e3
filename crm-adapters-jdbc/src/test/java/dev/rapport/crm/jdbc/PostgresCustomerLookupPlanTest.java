package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.jdbc.internal.Sql;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 * {@link PostgresUniqueLookupPlanTest}'s checks on the real customers spec with its default index set, whose
 * {@code (tenant, f_deleted)} index (every query asks for live customers) and {@code (tenant, f_x)} indexes all
 * match the tenant equality of a lookup. Tables loaded with autovacuum off and never analysed; each statement is run
 * past pgjdbc's prepare threshold while the tables hold ten documents, then 3,000 more are loaded. Customers have no
 * single-valued unique field (a host's custom field may be one): that lookup runs on {@code prospects}, the
 * customers spec and index set plus a unique {@code code}.
 *
 * <p>Before, on a table never analysed, PostgreSQL costed {@code tenant = ? AND id = ?} the same through the primary
 * key and through any {@code (tenant, f_x)} index (one row each, estimated), and took the index created last:
 * {@code rapport_ix_customers_f_updated_at} with a Filter on the id, in custom and generic plans alike. Once the
 * table holds thousands of rows that walks every document of the tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresCustomerLookupPlanTest {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresCustomerLookupPlanTest.class);
  private static final TenantId TENANT = TenantId.of("acme");
  private static final String CODE = "code";
  private static final int ROWS = 3_000;
  private static final String PROSPECTS = "prospects";
  private static final CollectionSpec PROSPECTS_SPEC = withCode(CustomerFields.SPEC);

  private final ObjectMapper json = new ObjectMapper();
  private Connection connection;
  private JdbcStore store;

  private static CollectionSpec withCode(CollectionSpec customers) {
    List<IndexSpec> indexes = new ArrayList<>(customers.indexes());
    indexes.add(IndexSpec.unique(CODE, IndexType.STRING).withMaxLength(40));
    return CollectionSpec.of(PROSPECTS, indexes.toArray(IndexSpec[]::new))
        .withIndexes(customers.indexSet());
  }

  @BeforeAll
  void load() throws SQLException {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
    // one connection: the plan cache and pgjdbc's prepare threshold are per connection
    connection = fresh.dataSource().getConnection();
    store = fresh.builder(Clock.systemUTC()).connectionProvider(() -> connection).build();
    store.register(CustomerFields.SPEC);
    store.register(PROSPECTS_SPEC);
    try (Statement st = connection.createStatement()) {
      for (String collection : List.of(CustomerFields.COLLECTION, PROSPECTS)) {
        for (String table : List.of("rapport_doc_", "rapport_mv_")) {
          st.execute("ALTER TABLE " + fresh.qualifier() + table + collection + " SET (autovacuum_enabled = false)");
        }
      }
    }
    load(0, 10);
    // pgjdbc prepares the statement on the server at its 5th execution; PostgreSQL plans that server statement
    // generically from its 6th: 12 executions leave a generic plan made while the tables hold ten documents
    for (int i = 0; i < 12; i++) {
      getById(i % 10);
      findByRef(i % 10);
      findByCode(i % 10);
    }
    load(10, ROWS);
  }

  private void load(int from, int to) {
    load(CustomerFields.COLLECTION, from, to);
    load(PROSPECTS, from, to);
  }

  private void load(String collection, int from, int to) {
    Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
    for (int start = from; start < to; start += 500) {
      WriteBatch.Builder batch = WriteBatch.builder();
      for (int n = start; n < Math.min(to, start + 500); n++) {
        String name = "Customer " + n;
        ObjectNode body = json.createObjectNode().put("name", name).put("stage", "LEAD");
        Document.IndexValues values = Document.indexValues()
            .put(CustomerFields.KIND, "PERSON").put(CustomerFields.NAME, name).put(CustomerFields.STAGE, "LEAD")
            .put(CustomerFields.OWNER, "user" + n % 40).putAll(CustomerFields.TAGS, List.of("segment/" + n % 7))
            .putAll(CustomerFields.EMAILS, List.of("c" + n + "@example.com"))
            .putAll(CustomerFields.EXTERNAL_REFS, List.of(ref(n), "crm:" + n))
            .put(CustomerFields.CREATED_AT, t0.plusSeconds(n)).put(CustomerFields.UPDATED_AT, t0.plusSeconds(n))
            .put(CustomerFields.DELETED, false);
        if (collection.equals(PROSPECTS)) {
          values.put(CODE, code(n));
        }
        batch.insert(collection, new Document(id(n), 1, body, values.build()));
      }
      store.commit(TENANT, batch.build());
    }
  }

  private static String id(int n) {
    return String.format("c%08d", n);
  }

  private static String ref(int n) {
    return "erp:" + n;
  }

  private static String code(int n) {
    return String.format("CODE-%06d", n);
  }

  private void getById(int n) {
    assertThat(store.get(TENANT, CustomerFields.COLLECTION, id(n))).isPresent();
  }

  private void findByRef(int n) {
    assertThat(store.findUnique(TENANT, CustomerFields.COLLECTION, CustomerFields.EXTERNAL_REFS, ref(n)))
        .hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(id(n)));
  }

  private void findByCode(int n) {
    assertThat(store.findUnique(TENANT, PROSPECTS, CODE, code(n)))
        .hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(id(n)));
  }

  @AfterAll
  void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
  void getByIdStartsFromThePrimaryKey(String mode) throws Exception {
    JsonNode plan = PlanChecks.runAndExplain(connection, mode, ROWS,
        n -> store.getSql(TENANT, CustomerFields.COLLECTION, id(n)), this::getById);
    PlanChecks.assertIndexOnly(plan, "rapport_doc_customers_pkey");
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
  void lookupByExternalRefStartsFromTheSideTablesUniqueIndex(String mode) throws Exception {
    JsonNode plan = PlanChecks.runAndExplain(connection, mode, ROWS,
        n -> store.findUniqueSql(TENANT, CustomerFields.COLLECTION, CustomerFields.EXTERNAL_REFS, ref(n)),
        this::findByRef);
    PlanChecks.assertIndexOnly(plan, "rapport_doc_customers_pkey",
        "rapport_mv_customers_unique|rapport_mv_customers_v_string",
        // twice on PostgreSQL: the sub-select gives both bounds of the id range (two InitPlans, one probe each)
        "rapport_mv_customers_unique|rapport_mv_customers_v_string");
    assertThat(PlanChecks.nodes(plan)).as("the side-table lookup: %s", plan)
        .anyMatch(n -> n.path("Relation Name").asText().equals("rapport_mv_customers")
            && n.path("Index Cond").asText().matches(".*(u_value|v_string).*"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
  void lookupByASingleValuedUniqueValueStartsFromItsUniqueIndex(String mode) throws Exception {
    JsonNode plan = PlanChecks.runAndExplain(connection, mode, ROWS,
        n -> store.findUniqueSql(TENANT, PROSPECTS, CODE, code(n)), this::findByCode);
    PlanChecks.assertIndexOnly(plan, "rapport_ux_prospects_f_code");
  }
}
