package dev.rapport.crm.customer;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.Violations;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The custom fields a tenant allows on its customers, with their types. Values are stored in canonical text form
 * (numbers without trailing zeros, ISO dates), so the same value always compares equal.
 *
 * <pre>{@code
 * CustomFieldSchema schema = CustomFieldSchema.builder()
 *     .text("industry", 100, false)
 *     .number("employees", false)
 *     .choice("paymentTerms", Set.of("NET30", "NET60"), true)
 *     .indexed("industry", "employees")      // queryable: CustomerFields.custom("industry")
 *     .build();
 * }</pre>
 *
 * <p>An <em>indexed</em> field can be filtered and sorted on like a built-in one, under the name
 * {@link CustomerFields#custom(String)} gives, with values of its index type: text and choices as {@code String},
 * numbers as {@code BigDecimal} (at most 24 integer and 10 fraction digits), booleans as {@code Boolean}, dates as
 * their ISO text ({@code "2026-12-31"}, which sorts in date order). An indexed text field holds at most 255
 * characters.
 */
public record CustomFieldSchema(Map<String, Field> fields) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,39}");

  public CustomFieldSchema {
    fields = Map.copyOf(fields);
    for (Map.Entry<String, Field> e : fields.entrySet()) {
      String n = e.getKey();
      if (!NAME.matcher(n).matches()) {
        throw ValidationException.of("customFields." + n, "customField.name", "custom field names are identifiers of 1-40 characters");
      }
      Field f = e.getValue();
      if (f.indexed() && f.indexLength() > dev.rapport.crm.store.IndexSpec.MAX_STRING_LENGTH) {
        throw ValidationException.of("customFields." + n, "customField.index.length",
            "an indexed custom field holds at most " + dev.rapport.crm.store.IndexSpec.MAX_STRING_LENGTH
                + " characters; '" + n + "' allows " + f.indexLength());
      }
    }
  }

  /**
   * The kernel fields of the indexed custom fields, by custom field name: the index type of each (text and choices
   * STRING, numbers DECIMAL, booleans BOOLEAN, dates STRING in ISO form).
   */
  public Map<String, dev.rapport.crm.store.IndexSpec> indexedFields() {
    Map<String, dev.rapport.crm.store.IndexSpec> out = new java.util.TreeMap<>();
    fields.forEach((n, f) -> {
      if (f.indexed()) {
        dev.rapport.crm.store.IndexSpec spec = switch (f.type()) {
          case NUMBER -> dev.rapport.crm.store.IndexSpec.single(CustomerFields.custom(n),
              dev.rapport.crm.store.IndexType.DECIMAL);
          case BOOLEAN -> dev.rapport.crm.store.IndexSpec.single(CustomerFields.custom(n),
              dev.rapport.crm.store.IndexType.BOOLEAN);
          default -> dev.rapport.crm.store.IndexSpec.single(CustomerFields.custom(n),
              dev.rapport.crm.store.IndexType.STRING).withMaxLength(Math.max(1, f.indexLength()));
        };
        out.put(n, spec);
      }
    });
    return out;
  }

  /** The index value of a stored (canonical) value of field {@code name}, by its index type. */
  static Object indexValue(Field f, String canonical) {
    return switch (f.type()) {
      case NUMBER -> new BigDecimal(canonical);
      case BOOLEAN -> Boolean.valueOf(canonical);
      default -> canonical;
    };
  }

  /** No custom fields allowed: the default. */
  public static CustomFieldSchema none() {
    return new CustomFieldSchema(Map.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  public enum Type {
    TEXT, NUMBER, BOOLEAN, DATE, CHOICE
  }

  /**
   * One field: its type, whether it is required, its maximum text length, its choices for CHOICE, and whether it is
   * indexed (queryable).
   */
  public record Field(Type type, boolean required, int maxLength, Set<String> choices, boolean indexed) {
    public Field {
      Objects.requireNonNull(type, "type");
      choices = Set.copyOf(choices);
    }

    public Field(Type type, boolean required, int maxLength, Set<String> choices) {
      this(type, required, maxLength, choices, false);
    }

    /** The most characters an index value of this field has (text: its maximum length; dates: 10). */
    int indexLength() {
      return switch (type) {
        case TEXT -> maxLength;
        case CHOICE -> choices.stream().mapToInt(String::length).max().orElse(1);
        case DATE -> 10;
        default -> dev.rapport.crm.store.IndexSpec.MAX_STRING_LENGTH;
      };
    }
  }

  /**
   * Checks and canonicalizes {@code values} (merged over {@code existing}); reports every violation under
   * {@code customFields.<name>}. A null value in {@code values} removes the field.
   */
  Map<String, String> apply(Map<String, String> existing, Map<String, ?> values, Violations out) {
    Map<String, String> result = new LinkedHashMap<>(existing);
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String path = "customFields." + e.getKey();
      Field f = fields.get(e.getKey());
      if (f == null) {
        out.add(path, "customField.unknown", "no custom field '" + e.getKey() + "' is defined for this tenant");
        continue;
      }
      if (e.getValue() == null) {
        result.remove(e.getKey());
        continue;
      }
      String canonical = canonical(f, e.getValue(), path, out);
      if (canonical != null) {
        result.put(e.getKey(), canonical);
      }
    }
    for (Map.Entry<String, Field> f : fields.entrySet()) {
      if (f.getValue().required() && !result.containsKey(f.getKey())) {
        out.add("customFields." + f.getKey(), "customField.required", "custom field is required");
      }
    }
    return result;
  }

  private static @Nullable String canonical(Field f, Object value, String path, Violations out) {
    // text is kept exactly as given (spaces included); the other types are parsed from their trimmed text
    String text = f.type() == Type.TEXT ? value.toString() : value.toString().strip();
    switch (f.type()) {
      case TEXT -> {
        if (text.isBlank() || text.length() > f.maxLength()) {
          out.add(path, "customField.length", "must be 1-" + f.maxLength() + " characters, not blank");
          return null;
        }
        return text;
      }
      case NUMBER -> {
        if (value instanceof Double || value instanceof Float) {
          out.add(path, "customField.number", "pass numbers as BigDecimal, long or text, not floating point");
          return null;
        }
        try {
          BigDecimal d = new BigDecimal(text);
          BigDecimal plain = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
          if (f.indexed() && (Math.max(plain.scale(), 0) > 10 || plain.precision() - plain.scale() > 24)) {
            out.add(path, "customField.number", "an indexed number has at most 24 integer and 10 fraction digits");
            return null;
          }
          return plain.signum() == 0 ? "0" : plain.toPlainString();
        } catch (NumberFormatException ex) {
          out.add(path, "customField.number", "must be a number");
          return null;
        }
      }
      case BOOLEAN -> {
        if (value instanceof Boolean || text.equals("true") || text.equals("false")) {
          return text;
        }
        out.add(path, "customField.boolean", "must be true or false");
        return null;
      }
      case DATE -> {
        try {
          return LocalDate.parse(text).toString();
        } catch (DateTimeParseException ex) {
          out.add(path, "customField.date", "must be an ISO date (yyyy-MM-dd)");
          return null;
        }
      }
      case CHOICE -> {
        if (!f.choices().contains(text)) {
          out.add(path, "customField.choice", "must be one of " + new java.util.TreeSet<>(f.choices()));
          return null;
        }
        return text;
      }
      default -> throw new IllegalStateException();
    }
  }

  public static final class Builder {
    private final Map<String, Field> fields = new LinkedHashMap<>();

    public Builder text(String name, int maxLength, boolean required) {
      fields.put(name, new Field(Type.TEXT, required, maxLength, Set.of()));
      return this;
    }

    public Builder number(String name, boolean required) {
      fields.put(name, new Field(Type.NUMBER, required, 0, Set.of()));
      return this;
    }

    public Builder bool(String name, boolean required) {
      fields.put(name, new Field(Type.BOOLEAN, required, 0, Set.of()));
      return this;
    }

    public Builder date(String name, boolean required) {
      fields.put(name, new Field(Type.DATE, required, 0, Set.of()));
      return this;
    }

    public Builder choice(String name, Set<String> choices, boolean required) {
      fields.put(name, new Field(Type.CHOICE, required, 0, choices));
      return this;
    }

    /**
     * Makes the named fields (declared before) indexed: criteria and sorts may name them as
     * {@link CustomerFields#custom(String)}.
     */
    public Builder indexed(String... names) {
      for (String n : names) {
        Field f = fields.get(n);
        if (f == null) {
          throw ValidationException.of("customFields." + n, "customField.unknown",
              "declare custom field '" + n + "' before indexing it");
        }
        fields.put(n, new Field(f.type(), f.required(), f.maxLength(), f.choices(), true));
      }
      return this;
    }

    public CustomFieldSchema build() {
      return new CustomFieldSchema(fields);
    }
  }

}
