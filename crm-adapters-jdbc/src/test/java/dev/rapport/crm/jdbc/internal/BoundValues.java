package dev.rapport.crm.jdbc.internal;

import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The values a statement binds, in parameter order, captured by a recording {@link PreparedStatement}. */
public final class BoundValues {
  private BoundValues() {}

  public static List<Object> of(Sql sql) throws SQLException {
    Map<Integer, Object> values = new TreeMap<>();
    PreparedStatement recorder = (PreparedStatement) Proxy.newProxyInstance(BoundValues.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
          if (method.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer i) {
            values.put(i, args[1]);
            return null;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    sql.bind(recorder);
    return new ArrayList<>(values.values());
  }
}
