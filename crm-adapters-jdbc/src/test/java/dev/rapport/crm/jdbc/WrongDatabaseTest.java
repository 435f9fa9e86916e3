package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.StorageException;
import dev.rapport.crm.jdbc.JdbcStore.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code DataSource} of another database than the declared one is refused by {@code build()} before any statement
 * runs, with a message naming both; H2 in a compatibility mode is H2.
 */
class WrongDatabaseTest {

  @ParameterizedTest(name = "{0} declared as {1}")
  @CsvSource({
      "H2_MEMORY,  POSTGRESQL, H2",
      "H2_MEMORY,  MARIADB,    H2",
      "POSTGRESQL, MARIADB,    PostgreSQL",
      "POSTGRESQL, H2,         PostgreSQL",
      "MARIADB,    POSTGRESQL, MariaDB",
      "MARIADB,    H2,         MariaDB",
      "MYSQL,      POSTGRESQL, MySQL",
  })
  void aMismatchIsRefusedNamingBothAndChangesNothing(TestDatabases.Kind kind, Database declared, String product)
      throws Exception {
    TestDatabases.Fresh where = TestDatabases.fresh(kind);
    JdbcStore.Builder wrong = new TestDatabases.Fresh(declared, where.dataSource(), where.schema())
        .builder(Clock.systemUTC());
    assertThatThrownBy(wrong::build)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("Database." + declared)
        .hasMessageContaining("connects to " + product)
        .hasMessageContaining("declare Database." + where.database());
    assertThat(rapportObjects(where)).as("schemas and tables Rapport would have created").isZero();
  }

  @Test
  void h2InPostgresModeIsStillH2() throws Exception {
    DataSource ds = TestDatabases.h2("mem:pgmode_" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
    assertThatThrownBy(() -> JdbcStore.postgres(ds))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("Database.POSTGRESQL")
        .hasMessageContaining("connects to H2")
        .hasMessageContaining("declare Database.H2");
    FirstContact.createAndGet(FirstContact.crm(JdbcStore.h2(ds)), "Ada Lovelace");
  }

  /** Rapport's schema where the store has one, else Rapport's tables in the connection's schema. */
  private static long rapportObjects(TestDatabases.Fresh where) throws Exception {
    String sql = where.schema() != null
        ? "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?"
        : "SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) LIKE ?";
    try (Connection c = where.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, where.schema() != null ? where.schema() : "rapport%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
