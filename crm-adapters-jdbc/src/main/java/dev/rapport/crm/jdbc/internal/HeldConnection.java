package dev.rapport.crm.jdbc.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * A {@code DataSource} that hands out one connection the store already holds, again and again, and never closes it.
 * Flyway asks its {@code DataSource} for two or three connections at once (history table, migrations, callbacks);
 * given this, it does all of its work on the one connection the store took from the host's pool, so a pool of one
 * is enough and a migration never waits for a second connection. The holder closes the real connection.
 */
public final class HeldConnection extends ConnectionSource {
  private final Connection connection;
  private final Connection unclosable;

  public HeldConnection(Connection connection) {
    this.connection = connection;
    this.unclosable = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "close":
              return null;
            case "equals":
              return proxy == args[0];
            case "hashCode":
              return System.identityHashCode(proxy);
            case "toString":
              return "held " + connection;
            default:
              try {
                return method.invoke(connection, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
          }
        });
  }

  @Override
  public Connection getConnection() {
    return unclosable;
  }

  @Override
  public String toString() {
    return "HeldConnection[" + connection + "]";
  }
}
