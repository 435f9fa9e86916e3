package dev.rapport.crm.store;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Sort;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A collection of documents and its indexed fields. Modules declare their collections (customers, cases, approval
 * requests, roles, ...) and register them with the store; the store creates tables or indexes for them.
 *
 * <p>Every field a criteria or sort may name must be declared here, besides the implicit {@code id}; {@link
 * #check(Criteria)} and {@link #check(Sort)} reject anything else before an adapter builds a statement, which is
 * what keeps user-supplied field names out of SQL and MongoDB filters.
 */
public record CollectionSpec(String name, List<IndexSpec> indexes) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  public CollectionSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw ValidationException.of("collection.name", "collection.name.format",
          "collection name must be 1-40 characters of a-z, 0-9, '_', starting with a letter: " + name);
    }
    indexes = List.copyOf(indexes);
    Map<String, IndexSpec> seen = new LinkedHashMap<>();
    for (IndexSpec i : indexes) {
      if (seen.put(i.name(), i) != null) {
        throw ValidationException.of("collection.indexes", "index.duplicate", "index declared twice: " + i.name());
      }
    }
  }

  public static CollectionSpec of(String name, IndexSpec... indexes) {
    return new CollectionSpec(name, List.of(indexes));
  }

  public Optional<IndexSpec> index(String field) {
    for (IndexSpec i : indexes) {
      if (i.name().equals(field)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** The type of a queryable field, {@code id} included. */
  public Optional<IndexType> typeOf(String field) {
    if (field.equals(Sort.ID)) {
      return Optional.of(IndexType.STRING);
    }
    return index(field).map(IndexSpec::type);
  }

  /** Rejects index values of undeclared fields, of the wrong type or cardinality, or out of the type's range. */
  public void check(Document doc) {
    List<Violation> violations = new ArrayList<>();
    for (Map.Entry<String, List<Object>> e : doc.index().entrySet()) {
      String path = "index." + e.getKey();
      Optional<IndexSpec> spec = index(e.getKey());
      if (spec.isEmpty()) {
        violations.add(new Violation(path, "index.unknown", "collection '" + name + "' declares no index " + e.getKey()));
        continue;
      }
      IndexSpec s = spec.get();
      if (!s.multiValued() && e.getValue().size() > 1) {
        violations.add(new Violation(path, "index.single", "single-valued index holds " + e.getValue().size() + " values"));
      }
      for (Object v : e.getValue()) {
        if (!s.type().accepts(v)) {
          violations.add(new Violation(path, "index.type", "expected " + s.type() + " but got " + v.getClass().getSimpleName()));
        } else if (v instanceof String str && str.length() > IndexSpec.MAX_STRING_LENGTH) {
          violations.add(new Violation(path, "index.length", "indexed strings are limited to " + IndexSpec.MAX_STRING_LENGTH + " characters"));
        } else if (v instanceof BigDecimal d && (d.scale() > 10 || d.precision() - d.scale() > 24)) {
          violations.add(new Violation(path, "index.decimal", "indexed decimals are limited to 24 integer and 10 fraction digits"));
        }
      }
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }

  /** Rejects criteria naming undeclared fields or comparing a field with a value of another type. */
  public void check(Criteria c) {
    List<Violation> violations = new ArrayList<>();
    check(c, violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }

  private void check(Criteria c, List<Violation> out) {
    if (c instanceof Criteria.Eq eq) {
      checkValue(eq.field(), eq.value(), out);
    } else if (c instanceof Criteria.Compare cmp) {
      // booleans compare too (false < true): keyset pagination on a boolean sort key needs it
      checkValue(cmp.field(), cmp.value(), out);
    } else if (c instanceof Criteria.In in) {
      for (Object v : in.values()) {
        checkValue(in.field(), v, out);
      }
    } else if (c instanceof Criteria.Prefix p) {
      checkValue(p.field(), p.prefix(), out);
    } else if (c instanceof Criteria.Exists e) {
      checkField(e.field(), out);
    } else if (c instanceof Criteria.And and) {
      and.all().forEach(x -> check(x, out));
    } else if (c instanceof Criteria.Or or) {
      or.any().forEach(x -> check(x, out));
    } else if (c instanceof Criteria.Not not) {
      check(not.criteria(), out);
    }
  }

  private boolean checkField(String field, List<Violation> out) {
    if (typeOf(field).isEmpty()) {
      out.add(new Violation("criteria." + safe(field), "criteria.field.unknown",
          "collection '" + name + "' has no indexed field '" + safe(field) + "'"));
      return false;
    }
    return true;
  }

  private void checkValue(String field, Object value, List<Violation> out) {
    if (checkField(field, out)) {
      IndexType t = typeOf(field).orElseThrow();
      if (!t.accepts(value)) {
        out.add(new Violation("criteria." + field, "criteria.value.type",
            "field '" + field + "' holds " + t + " values, not " + value.getClass().getSimpleName()));
      }
    }
  }

  /** Rejects sorts on undeclared or multi-valued fields. */
  public void check(Sort sort) {
    List<Violation> out = new ArrayList<>();
    for (Sort.Key k : sort.keys()) {
      if (k.field().equals(Sort.ID)) {
        continue;
      }
      Optional<IndexSpec> spec = index(k.field());
      if (spec.isEmpty()) {
        out.add(new Violation("sort." + safe(k.field()), "sort.field.unknown",
            "collection '" + name + "' has no indexed field '" + safe(k.field()) + "'"));
      } else if (spec.get().multiValued()) {
        out.add(new Violation("sort." + k.field(), "sort.field.multi", "cannot sort on multi-valued field " + k.field()));
      }
    }
    if (!out.isEmpty()) {
      throw new ValidationException(out);
    }
  }

  /** Field names come from callers: keep error messages short and printable. */
  static String safe(String field) {
    String s = field.length() > 60 ? field.substring(0, 60) + "..." : field;
    return s.replaceAll("\\p{Cntrl}", "?");
  }
}
