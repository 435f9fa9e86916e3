package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * On H2, bodies and payloads are inline text ({@code CHARACTER VARYING}) with H2's limit of 1,048,576 characters: a
 * longer one is refused naming it, with nothing of its batch written; a database made before keeps working.
 */
class H2InlineJsonTest {
  private static final TenantId T = TenantId.of("acme");
  private static final int MAX = 1_048_576;

  @Test
  void aBodyOrPayloadUpToTheLimitIsKeptExactlyAndALongerOneIsRefusedWithNothingWritten() {
    JdbcStore store = TestDatabases.store(TestDatabases.Kind.H2_MEMORY, Clock.systemUTC()).build();
    store.register(CollectionSpec.of("notes"));
    // {"text":"..."} is 11 characters around the text; Chinese and Latin, as a user writes them
    String fits = "北风".repeat(100) + "x".repeat(MAX - 11 - 200);
    Document big = new Document("n1", 1, body(fits), Map.of());
    store.commit(T, WriteBatch.builder().insert("notes", big).append("log", "r1", "note", body(fits)).build());
    assertThat(store.get(T, "notes", "n1").orElseThrow().body().get("text").textValue()).isEqualTo(fits);
    assertThat(store.read(T, "log", 0, 10).get(0).payload().get("text").textValue()).isEqualTo(fits);

    String tooLong = fits + "y";
    assertThatThrownBy(() -> store.commit(T, WriteBatch.builder()
        .insert("notes", new Document("n2", 1, body("small"), Map.of()))
        .insert("notes", new Document("n3", 1, body(tooLong), Map.of())).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("notes/n3").hasMessageContaining("1,048,577").hasMessageContaining("1,048,576")
        .satisfies(e -> assertThat(((ValidationException) e).violations().get(0).path()).isEqualTo("document.body"));
    assertThatThrownBy(() -> store.commit(T, WriteBatch.builder()
        .update("notes", new Document("n1", 2, body("changed"), Map.of()))
        .append("log", "r2", "note", body(tooLong)).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("log/r2")
        .satisfies(e -> assertThat(((ValidationException) e).violations().get(0).path()).isEqualTo("append.payload"));

    assertThat(store.get(T, "notes", "n2")).isEmpty();
    assertThat(store.get(T, "notes", "n1").orElseThrow().version()).isEqualTo(1);
    assertThat(store.read(T, "log", 0, 10)).hasSize(1);
    assertThat(store.changes(T, 0, 10)).hasSize(1);
  }

  @Test
  void aDatabaseMadeWithLargeObjectColumnsIsUpgradedAndKeepsItsRecords() throws Exception {
    TestDatabases.Fresh fresh = TestDatabases.fresh(TestDatabases.Kind.H2_MEMORY);
    DataSource ds = fresh.dataSource();
    // the first schema as an earlier version made it, with a record in it
    Flyway.configure(JdbcStore.class.getClassLoader()).dataSource(ds)
        .locations("classpath:META-INF/rapport/migration/h2").table("rapport_schema_history")
        .placeholders(Map.of("prefix", "rapport_", "json", "CHARACTER LARGE OBJECT"))
        .baselineOnMigrate(true).baselineVersion("0").target("1").load().migrate();
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("INSERT INTO rapport_sequence VALUES ('acme', 's:log', 1)");
      st.execute("INSERT INTO rapport_stream_record VALUES ('acme', 'log', 1, 'r1', 'note', '{\"text\":\""
          + "é".repeat(5000) + "\"}', CURRENT_TIMESTAMP)");
      assertThat(type(st)).isEqualTo("CHARACTER LARGE OBJECT");
    }

    JdbcStore store = fresh.builder(Clock.systemUTC()).build();
    assertThat(store.read(T, "log", 0, 10)).singleElement()
        .satisfies(r -> assertThat(r.payload().get("text").textValue()).isEqualTo("é".repeat(5000)));
    store.commit(T, WriteBatch.builder().append("log", "r2", "note", body("after")).build());
    assertThat(store.read(T, "log", 0, 10)).hasSize(2);
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      assertThat(type(st)).isEqualTo("CHARACTER VARYING");
    }
  }

  private static String type(Statement st) throws Exception {
    try (ResultSet rs = st.executeQuery("SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE"
        + " TABLE_NAME = 'RAPPORT_STREAM_RECORD' AND COLUMN_NAME = 'PAYLOAD'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static ObjectNode body(String text) {
    return JsonNodeFactory.instance.objectNode().put("text", text);
  }
}
