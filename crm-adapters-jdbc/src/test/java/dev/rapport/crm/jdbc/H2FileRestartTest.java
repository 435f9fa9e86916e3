package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Capability;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.WriteBatch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The embedded default keeps its data when the database is closed and opened again (as after a JVM restart). */
class H2FileRestartTest {
  @Test
  void dataSurvivesClosingTheDatabase() throws Exception {
    Path path = Path.of("target", "h2-restart-" + UUID.randomUUID()).resolve("rapport").toAbsolutePath();
    CollectionSpec spec = CollectionSpec.of("customers", IndexSpec.single("name", IndexType.STRING));
    TenantId t = TenantId.of("quickstart");

    JdbcStore first = JdbcStore.h2File(path);
    assertThat(first.supports(Capability.DURABLE)).isTrue();
    first.register(spec);
    first.commit(t, WriteBatch.builder().insert("customers", new Document("c1", 1,
        JsonNodeFactory.instance.objectNode().put("name", "Ada"), Map.of("name", List.of("Ada")))).build());
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + path + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        Statement st = c.createStatement()) {
      st.execute("SHUTDOWN");
    }

    JdbcStore second = JdbcStore.h2File(path);
    second.register(spec);
    assertThat(second.get(t, "customers", "c1").orElseThrow().body().get("name").textValue()).isEqualTo("Ada");
    assertThat(second.changes(t, 0, 10)).hasSize(1);
  }
}
