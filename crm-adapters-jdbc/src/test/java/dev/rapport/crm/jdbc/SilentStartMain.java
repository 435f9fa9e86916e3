package dev.rapport.crm.jdbc;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Run by {@link SilentStartTest} in a JVM of its own, so that what it prints is exactly what a host would see: a first
 * start on an empty schema and a restart, each building a store and a {@code Crm} and running a first command.
 * Arguments: the {@link JdbcStore.Database}, the JDBC URL and the schema ({@code -} for the connection's own).
 */
public final class SilentStartMain {
  private SilentStartMain() {}

  public static void main(String[] args) throws Exception {
    JdbcStore.Database database = JdbcStore.Database.valueOf(args[0]);
    DataSource ds = dataSource(database, args[1]);
    for (int start = 1; start <= 2; start++) {
      JdbcStore.Builder builder = JdbcStore.builder(database, ds);
      if (!args[2].equals("-")) {
        builder.schema(args[2]);
      }
      FirstContact.createAndGet(FirstContact.crm(builder.build()), "Start " + start);
    }
  }

  private static DataSource dataSource(JdbcStore.Database database, String url) throws Exception {
    return switch (database) {
      case H2 -> {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        yield ds;
      }
      case POSTGRESQL -> {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        yield ds;
      }
      case MARIADB -> new MariaDbDataSource(url);
    };
  }
}
