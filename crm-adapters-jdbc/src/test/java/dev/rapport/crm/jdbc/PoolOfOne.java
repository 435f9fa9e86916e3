package dev.rapport.crm.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import dev.rapport.crm.jdbc.internal.ConnectionSource;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A connection pool of one, as a host configures one (HikariCP's {@code maximumPoolSize=1}): one physical connection,
 * lent to one borrower at a time; a second borrower waits up to the timeout and then gets an
 * {@link SQLTransientConnectionException}, as from a real pool. A returned connection is rolled back if it was left
 * in a transaction and put back in auto-commit, as pools do.
 */
final class PoolOfOne extends ConnectionSource implements AutoCloseable {
  private final DataSource database;
  private final long timeoutMillis;
  private final Semaphore free = new Semaphore(1);
  private @Nullable Connection physical;

  PoolOfOne(DataSource database, long timeoutMillis) {
    this.database = database;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      if (!free.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw new SQLTransientConnectionException("pool of one: connection is not available, request timed out after "
            + timeoutMillis + "ms", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLTransientConnectionException("interrupted", "08001", e);
    }
    try {
      return lend(open());
    } catch (SQLException | RuntimeException e) {
      free.release();
      throw e;
    }
  }

  private synchronized Connection open() throws SQLException {
    if (physical == null || physical.isClosed()) {
      physical = database.getConnection();
    }
    return physical;
  }

  private Connection lend(Connection real) {
    boolean[] returned = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            if (!returned[0]) {
              returned[0] = true;
              if (!real.getAutoCommit()) {
                real.rollback();
                real.setAutoCommit(true);
              }
              free.release();
            }
            return null;
          }
          if (method.getName().equals("isClosed")) {
            return returned[0];
          }
          if (returned[0]) {
            throw new SQLException("connection was returned to the pool");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public synchronized void close() throws SQLException {
    if (physical != null) {
      physical.close();
    }
  }
}
