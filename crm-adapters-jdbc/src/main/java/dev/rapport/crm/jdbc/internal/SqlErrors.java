package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.CrmException;
import dev.rapport.crm.error.StorageException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vendor errors to core exceptions, by SQLState and vendor error code only (never by message text). A unique
 * violation becomes a {@link DuplicateSignal}: which field it was is found afterwards by the store, by looking up
 * which unique value is taken, because databases name the violated constraint only in message text.
 */
public final class SqlErrors {
  private SqlErrors() {}

  /** A unique constraint fired; the store finds the field and throws the real {@code DuplicateKeyException}. */
  public static final class DuplicateSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DuplicateSignal(SQLException cause) {
      super(cause.getSQLState(), cause, false, false);
    }
  }

  public static RuntimeException translate(Dialect dialect, SQLException e, String what) {
    List<SQLException> chain = chain(e);
    for (SQLException x : chain) {
      if (dialect.isDuplicateKey(x)) {
        return new DuplicateSignal(x);
      }
    }
    for (SQLException x : chain) {
      if (dialect.isConflict(x)) {
        CrmException c = new VersionConflictException(what + ": the transaction lost a race with another "
            + "(deadlock or serialization failure, SQLState " + x.getSQLState() + "); nothing was written, retry");
        c.initCause(e);
        return c;
      }
    }
    for (SQLException x : chain) {
      if (dialect.isTransient(x)) {
        return new StorageException(what + " failed (SQLState " + x.getSQLState() + ", transient)", true, e);
      }
    }
    return new StorageException(what + " failed (SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + ")",
        false, e);
  }

  /** The exception, its next exceptions (batches) and its SQLException causes. */
  static List<SQLException> chain(SQLException e) {
    List<SQLException> out = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> todo = new ArrayList<>();
    todo.add(e);
    while (!todo.isEmpty() && out.size() < 50) {
      Throwable t = todo.remove(0);
      if (t == null || seen.put(t, Boolean.TRUE) != null) {
        continue;
      }
      if (t instanceof SQLException s) {
        out.add(s);
        todo.add(s.getNextException());
      }
      todo.add(t.getCause());
    }
    return out;
  }
}
