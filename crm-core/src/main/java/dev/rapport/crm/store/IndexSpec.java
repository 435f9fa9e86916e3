package dev.rapport.crm.store;

import dev.rapport.crm.error.ValidationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One indexed field of a collection. Single-valued fields can be sorted on; multi-valued fields (tags, emails)
 * match when any value matches. A unique index is unique per tenant, for each of its values.
 *
 * @param name the field name used in criteria and sorts; also a column name in SQL stores, hence the strict form
 * @param maxLength for {@link IndexType#STRING} fields, the most characters a value has (1 to
 *     {@link #MAX_STRING_LENGTH}); SQL stores size the column by it, which decides how many string keys fit in one
 *     composite index on MariaDB/MySQL (3,072 bytes, 4 per character). {@link #MAX_STRING_LENGTH} for other types.
 */
public record IndexSpec(String name, IndexType type, boolean multiValued, boolean unique, int maxLength) {
  public static final int MAX_STRING_LENGTH = 255;
  private static final Pattern NAME = Pattern.compile("[a-z][a-zA-Z0-9]{0,29}");

  public IndexSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (!NAME.matcher(name).matches() || name.equals("id")) {
      throw ValidationException.of("index.name", "index.name.format",
          "index name must be a lower-camel identifier of 1-30 letters/digits and not 'id': " + name);
    }
    if (maxLength < 1 || maxLength > MAX_STRING_LENGTH || (type != IndexType.STRING && maxLength != MAX_STRING_LENGTH)) {
      throw ValidationException.of("index." + name, "index.length",
          "a string field's maximum length is 1 to " + MAX_STRING_LENGTH + " (other types have none): " + maxLength);
    }
  }

  public IndexSpec(String name, IndexType type, boolean multiValued, boolean unique) {
    this(name, type, multiValued, unique, MAX_STRING_LENGTH);
  }

  /** This string field, its values at most {@code length} characters. */
  public IndexSpec withMaxLength(int length) {
    return new IndexSpec(name, type, multiValued, unique, length);
  }

  public static IndexSpec single(String name, IndexType type) {
    return new IndexSpec(name, type, false, false);
  }

  public static IndexSpec unique(String name, IndexType type) {
    return new IndexSpec(name, type, false, true);
  }

  public static IndexSpec multi(String name, IndexType type) {
    return new IndexSpec(name, type, true, false);
  }

  public static IndexSpec multiUnique(String name, IndexType type) {
    return new IndexSpec(name, type, true, true);
  }
}
