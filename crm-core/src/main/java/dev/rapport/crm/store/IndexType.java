package dev.rapport.crm.store;

/** The value type of an indexed field; see {@link dev.rapport.crm.query.Values} for the Java types. */
public enum IndexType {
  /** {@link String}, at most {@link IndexSpec#MAX_STRING_LENGTH} characters, compared by code point. */
  STRING,
  /** {@link Long}. */
  LONG,
  /** {@link java.math.BigDecimal}, at most 24 integer and 10 fraction digits (34 in all: what
   * MongoDB's Decimal128 holds exactly). */
  DECIMAL,
  /** {@link java.time.Instant} with millisecond precision. */
  INSTANT,
  /** {@link Boolean}. */
  BOOLEAN;

  public boolean accepts(Object value) {
    return switch (this) {
      case STRING -> value instanceof String;
      case LONG -> value instanceof Long;
      case DECIMAL -> value instanceof java.math.BigDecimal;
      case INSTANT -> value instanceof java.time.Instant;
      case BOOLEAN -> value instanceof Boolean;
    };
  }
}
