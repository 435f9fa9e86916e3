package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.store.IndexType;
import java.math.BigDecimal;
import java.time.Instant;

/** Text forms of index values the typed columns cannot carry alone. */
public final class IndexCodec {
  private IndexCodec() {}

  /** The canonical text of a unique multi-valued index value, for the side table's unique key. */
  public static String canonical(IndexType type, Object v) {
    return switch (type) {
      case DECIMAL -> ((BigDecimal) v).toPlainString();
      case INSTANT -> Long.toString(((Instant) v).toEpochMilli());
      default -> v.toString();
    };
  }
}
