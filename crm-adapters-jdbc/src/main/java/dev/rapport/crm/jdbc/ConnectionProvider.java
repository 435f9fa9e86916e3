package dev.rapport.crm.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Hands Rapport the connection of the host's current transaction, so Rapport's writes commit or roll back with the
 * host's own (the JaVers pattern). Set it with {@link JdbcStore.Builder#connectionProvider}.
 *
 * <p>Rapport never commits, rolls back or closes a provided connection that is inside a transaction (auto-commit
 * off): it wraps each unit of work in a savepoint and, on failure, rolls back to that savepoint only and rethrows,
 * so the host decides the fate of its transaction. A provided connection in auto-commit mode is used for one
 * Rapport transaction and handed back in auto-commit mode, still open.
 *
 * <pre>{@code
 * // Spring: the connection bound to the current @Transactional method
 * ConnectionProvider p = () -> DataSourceUtils.getConnection(dataSource);
 * }</pre>
 *
 * <p>Schema work (Flyway migrations, collection tables) never runs on a provided connection: DDL commits implicitly
 * on MariaDB/MySQL, so it runs on connections of the store's {@code DataSource} instead.
 */
@FunctionalInterface
public interface ConnectionProvider {
  /** The connection of the host's current transaction. */
  Connection getConnection() throws SQLException;
}
