package dev.rapport.crm.query;

import dev.rapport.crm.error.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/**
 * The typed values that indexes hold and criteria compare: {@link String}, {@link Long}, {@link BigDecimal},
 * {@link Instant} (millisecond precision, the finest every store keeps) and {@link Boolean}.
 */
public final class Values {
  private Values() {}

  /**
   * Returns {@code value} as one of the five kernel types: integers widen to {@code Long}, {@code Instant}s are
   * truncated to milliseconds, {@code BigDecimal}s are stripped of trailing zeros; anything else is rejected.
   */
  public static Object normalize(String field, Object value) {
    if (value == null) {
      throw ValidationException.of(field, "value.null", "a criteria value must not be null; use exists()/not(exists())");
    }
    if (value instanceof String || value instanceof Long || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (value instanceof BigDecimal d) {
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    if (value instanceof Instant i) {
      return i.truncatedTo(ChronoUnit.MILLIS);
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    throw ValidationException.of(field, "value.type",
        "unsupported value type " + value.getClass().getSimpleName()
            + " (use String, Long, BigDecimal, Instant or Boolean)");
  }

  /** Code point order for strings (the order of UTF-8 bytes), natural order for the other types. */
  public static int compare(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return compareCodePoints(x, y);
    }
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y);
    }
    if (a instanceof Instant x && b instanceof Instant y) {
      return x.compareTo(y);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    throw new IllegalArgumentException(
        "cannot compare " + a.getClass().getSimpleName() + " with " + b.getClass().getSimpleName());
  }

  public static final Comparator<Object> ORDER = Values::compare;

  /** Compares strings by Unicode code point, unlike {@link String#compareTo} which compares UTF-16 units. */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
