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
 * A collection of documents, its declared fields and the indexes over them. Modules declare their collections
 * (customers, cases, approval requests, roles, ...) and register them with the store; the store creates tables or
 * indexes for them.
 *
 * <p>{@code indexes} are the fields a document carries index values for (type, single or multi-valued, unique or
 * not); {@code indexSet} says which of them are indexed, alone or in {@link CompositeIndex composite indexes}. Every
 * field a criteria or sort names must be declared and {@linkplain #queryable queryable}, besides the implicit
 * {@code id}; {@link #check(Criteria)} and {@link #check(Sort)} reject anything else before an adapter builds a
 * statement, which is what keeps user-supplied field names out of SQL and MongoDB filters, and unindexed scans out
 * of the database.
 *
 * @param indexes the declared fields (each a possible index; the name is kept for compatibility)
 * @param indexSet which declared fields are indexed; unique fields always are
 */
public record CollectionSpec(String name, List<IndexSpec> indexes, IndexSet indexSet) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  public CollectionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(indexSet, "indexSet");
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
    List<Violation> out = new ArrayList<>();
    for (String f : indexSet.fields()) {
      if (!seen.containsKey(f)) {
        out.add(new Violation("indexes." + name + "." + safe(f), "index.field.unknown",
            "collection '" + name + "' declares no field '" + safe(f) + "' to index"));
      }
    }
    for (CompositeIndex c : indexSet.composites()) {
      for (String f : c.fields()) {
        IndexSpec field = seen.get(f);
        if (field == null) {
          out.add(new Violation("indexes." + name + "." + c.name(), "index.field.unknown",
              "composite index '" + c.name() + "' names field '" + safe(f) + "', which collection '" + name
                  + "' does not declare"));
        } else if (field.multiValued()) {
          out.add(new Violation("indexes." + name + "." + c.name(), "index.field.multi",
              "composite index '" + c.name() + "' names multi-valued field '" + f
                  + "'; composite indexes take single-valued fields (index it alone)"));
        }
      }
    }
    if (!out.isEmpty()) {
      throw new ValidationException(out);
    }
  }

  /** A collection whose declared fields are all indexed, each alone. */
  public CollectionSpec(String name, List<IndexSpec> indexes) {
    this(name, indexes, eachAlone(indexes));
  }

  /** A collection whose declared fields are all indexed, each alone; see {@link #withIndexes}. */
  public static CollectionSpec of(String name, IndexSpec... indexes) {
    return new CollectionSpec(name, List.of(indexes));
  }

  /**
   * Every declared field indexed alone: handy in tests and for small collections; for a large one, index what the
   * lists use (each index costs every write).
   */
  public IndexSet everyFieldIndexed() {
    return eachAlone(indexes);
  }

  private static IndexSet eachAlone(List<IndexSpec> fields) {
    return IndexSet.of(fields.stream().map(IndexSpec::name).toArray(String[]::new));
  }

  /** The same fields with another index set (unique fields stay indexed whatever the set says). */
  public CollectionSpec withIndexes(IndexSet set) {
    return new CollectionSpec(name, indexes, set);
  }

  /**
   * Whether criteria and sorts may name {@code field}: {@code id}, a unique field, or a field the index set indexes
   * alone or in a composite index.
   */
  public boolean queryable(String field) {
    if (field.equals(Sort.ID)) {
      return true;
    }
    Optional<IndexSpec> spec = index(field);
    return spec.isPresent() && (spec.get().unique() || indexSet.covers(field));
  }

  /** The declared fields that get an index of their own: the set's fields and the unique fields. */
  public List<IndexSpec> indexedAlone() {
    return indexes.stream().filter(i -> i.unique() || indexSet.fields().contains(i.name())).toList();
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
        } else if (v instanceof String str && str.length() > s.maxLength()) {
          violations.add(new Violation(path, "index.length", "indexed strings of '" + s.name() + "' are limited to "
              + s.maxLength() + " characters"));
        } else if (v instanceof BigDecimal d && (d.scale() > 10 || d.precision() - d.scale() > 24)) {
          violations.add(new Violation(path, "index.decimal", "indexed decimals are limited to 24 integer and 10 fraction digits"));
        }
      }
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }

  /** Rejects criteria naming undeclared or unindexed fields, or comparing a field with a value of another type. */
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
    if (!queryable(field)) {
      out.add(new Violation("criteria." + field, "criteria.field.unindexed", unindexed(field)));
      return false;
    }
    return true;
  }

  private String unindexed(String field) {
    return "field '" + field + "' of collection '" + name + "' is not indexed: add it to the collection's index set"
        + " (alone or in a composite index) to filter or sort on it";
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

  /** Rejects sorts on undeclared, unindexed or multi-valued fields. */
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
      } else if (!queryable(k.field())) {
        out.add(new Violation("sort." + k.field(), "sort.field.unindexed", unindexed(k.field())));
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
