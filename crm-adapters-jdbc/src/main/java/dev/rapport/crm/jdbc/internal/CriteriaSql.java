package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Translates a {@link Criteria} (already checked against the collection's spec) into a WHERE fragment over the
 * document table aliased {@code d}.
 *
 * <p>SQL's three-valued logic would make {@code NOT (region = 'EU')} drop rows whose region is NULL, while the
 * kernel's reference semantics ({@link dev.rapport.crm.query.CriteriaEvaluator}) is two-valued: a comparison on a
 * missing value is false, so its negation is true. Negation is therefore pushed down to the atoms (De Morgan), and a
 * negated atom on a nullable column says explicitly {@code (c IS NULL OR NOT (c op ?))}. Multi-valued fields are
 * {@code [NOT] EXISTS} over the side table, which is never NULL. Every value is a bound parameter; every column name
 * comes from the validated spec.
 */
public final class CriteriaSql {
  private static final char ESCAPE = '!';

  private final Layout layout;

  public CriteriaSql(Layout layout) {
    this.layout = layout;
  }

  public void where(Criteria c, Sql out) {
    translate(c, false, out);
  }

  private void translate(Criteria c, boolean negated, Sql out) {
    if (c instanceof Criteria.All) {
      out.append(negated ? "1=0" : "1=1");
    } else if (c instanceof Criteria.None) {
      out.append(negated ? "1=1" : "1=0");
    } else if (c instanceof Criteria.In in && in.values().isEmpty()) {
      out.append(negated ? "1=1" : "1=0");
    } else if (c instanceof Criteria.Prefix p && p.prefix().isEmpty()) {
      translate(new Criteria.Exists(p.field()), negated, out);
    } else if (predicate(c) != null) {
      atom(field(c), negated, out, java.util.Objects.requireNonNull(predicate(c)));
    } else if (c instanceof Criteria.Exists e) {
      if (e.field().equals(Sort.ID)) {
        out.append(negated ? "1=0" : "1=1");
      } else if (layout.hasArray(index(e.field()))) {
        out.append("cardinality(d." + Layout.arrayColumn(e.field()) + (negated ? ") = 0" : ") > 0"));
      } else if (index(e.field()).multiValued()) {
        out.append(negated ? "NOT " : "");
        exists(e.field(), out);
        out.append(")");
      } else {
        out.append("d." + Layout.column(e.field()) + (negated ? " IS NULL" : " IS NOT NULL"));
      }
    } else if (c instanceof Criteria.And and) {
      junction(and.all(), negated ? " OR " : " AND ", negated ? "1=0" : "1=1", negated, out);
    } else if (c instanceof Criteria.Or or) {
      junction(mergeSideTableAtoms(or.any()), negated ? " AND " : " OR ", negated ? "1=1" : "1=0", negated, out);
    } else if (c instanceof Criteria.Not not) {
      translate(not.criteria(), !negated, out);
    } else {
      throw new IllegalStateException("unknown criteria " + c);
    }
  }

  /** The comparison an atom makes on its column, or null when {@code c} is not a comparison atom. */
  private static @Nullable Predicate predicate(Criteria c) {
    if (c instanceof Criteria.Eq eq) {
      return new EqualTo(eq.value());
    } else if (c instanceof Criteria.Compare cmp) {
      String op = switch (cmp.op()) {
        case GT -> " > ";
        case GTE -> " >= ";
        case LT -> " < ";
        case LTE -> " <= ";
      };
      return (col, side, s) -> s.append(col + op).value(cmp.value());
    } else if (c instanceof Criteria.In in && !in.values().isEmpty()) {
      return new OneOf(in.values());
    } else if (c instanceof Criteria.Prefix p && !p.prefix().isEmpty()) {
      return (col, side, s) -> prefix(col, side, p.prefix(), s);
    }
    return null;
  }

  /**
   * A prefix as the half-open range {@code [p, successor(p))}. A {@code LIKE} whose pattern is a parameter cannot
   * use a B-tree index in a plan made without the value (PostgreSQL's generic plan of a prepared page query); a
   * range is an index range in any plan (e.g. a page by name with a name prefix walks just that part of the name
   * index). It is exactly "starts with" because every dialect's ordered string columns compare by code point:
   * PostgreSQL's {@code COLLATE "C"} and MariaDB's binary NO PAD collation order UTF-8 bytes, and H2 orders the
   * {@link Dialect#encodeKey encoded} form, whose UTF-16 order is the code point order of the original. A prefix
   * holding an unpaired surrogate has no place in code point order (and no UTF-8 form): it keeps {@code LIKE}, as
   * does a prefix on the side table where the dialect says so ({@link Dialect#prefixRangeOnSideTable}).
   */
  private static void prefix(String col, boolean side, String prefix, Sql s) {
    if (!wellFormed(prefix) || (side && !s.dialect().prefixRangeOnSideTable())) {
      String pattern = escapeLike(s.dialect().encodeKey(prefix)) + "%";
      s.append(col + " LIKE ").param((ps, i) -> ps.setString(i, pattern)).append(" ESCAPE '" + ESCAPE + "'");
      return;
    }
    String end = successor(prefix);
    s.append("(" + col + " >= ").key(prefix);
    if (end != null) {
      s.append(" AND " + col + " < ").key(end);
    }
    s.append(")");
  }

  /**
   * The least string, in code point order, greater than every string that starts with {@code prefix} (well-formed
   * UTF-16), or null when there is none (the prefix is empty or only U+10FFFF): the last code point below U+10FFFF
   * incremented, the U+10FFFF after it dropped. The surrogate block (U+D800-DFFF) is skipped, since no well-formed
   * string holds those code points: the successor of U+D7FF is U+E000. So a tag subtree {@code segment/vip} becomes
   * {@code v = 'segment/vip' OR (v >= 'segment/vip/' AND v < 'segment/vip0')} (where the dialect takes the range).
   */
  static @Nullable String successor(String prefix) {
    int end = prefix.length();
    while (end > 0) {
      int last = prefix.codePointBefore(end);
      end -= Character.charCount(last);
      if (last < Character.MAX_CODE_POINT) {
        int next = last == Character.MIN_SURROGATE - 1 ? Character.MAX_SURROGATE + 1 : last + 1;
        return new StringBuilder(end + 2).append(prefix, 0, end).appendCodePoint(next).toString();
      }
    }
    return null;
  }

  /** No unpaired surrogate. */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static String field(Criteria c) {
    if (c instanceof Criteria.Eq eq) {
      return eq.field();
    } else if (c instanceof Criteria.Compare cmp) {
      return cmp.field();
    } else if (c instanceof Criteria.In in) {
      return in.field();
    } else if (c instanceof Criteria.Prefix p) {
      return p.field();
    }
    throw new IllegalStateException("not an atom: " + c);
  }

  /**
   * Several atoms of one OR on the same multi-valued field become one EXISTS over the side table with the atoms
   * OR-ed inside: "any value is x" or "any value starts with x/" is "any value is x or starts with x/" (and, negated,
   * "no value is x and none starts with x/"). A tag-subtree filter is such an OR. As separate EXISTS under an OR,
   * PostgreSQL plans each as a hashed subplan that reads the whole side table; as one, it is a semi-join probing
   * the side table's index per candidate document (see PostgresGenericPlanTest).
   */
  private List<?> mergeSideTableAtoms(List<Criteria> parts) {
    java.util.Map<String, List<Criteria>> byField = new java.util.LinkedHashMap<>();
    for (Criteria p : parts) {
      if (predicate(p) != null && !field(p).equals(Sort.ID) && index(field(p)).multiValued()) {
        byField.computeIfAbsent(field(p), k -> new java.util.ArrayList<>()).add(p);
      }
    }
    if (byField.values().stream().noneMatch(l -> l.size() > 1)) {
      return parts;
    }
    List<Object> out = new java.util.ArrayList<>();
    java.util.Set<String> emitted = new java.util.HashSet<>();
    for (Criteria p : parts) {
      List<Criteria> group = predicate(p) != null ? byField.get(field(p)) : null;
      if (group == null || group.size() < 2) {
        out.add(p);
      } else if (emitted.add(field(p))) {
        out.add(new AnyOf(field(p), group));
      }
    }
    return out;
  }

  /** Internal node: some value of a multi-valued field satisfies one of the atoms (all on that field). */
  private record AnyOf(String field, List<Criteria> atoms) {}

  private void junction(List<?> parts, String op, String empty, boolean negated, Sql out) {
    if (parts.isEmpty()) {
      out.append(empty);
      return;
    }
    out.append("(");
    for (int i = 0; i < parts.size(); i++) {
      out.append(i == 0 ? "" : op);
      Object part = parts.get(i);
      if (part instanceof AnyOf any) {
        out.append(negated ? "NOT " : "");
        if (layout.hasArray(index(any.field()))) {
          existsElement(any.field(), out);
        } else {
          exists(any.field(), out);
          out.append(" AND ");
        }
        out.append("(");
        for (int n = 0; n < any.atoms().size(); n++) {
          out.append(n == 0 ? "" : " OR ");
          java.util.Objects.requireNonNull(predicate(any.atoms().get(n))).write(valueColumn(any.field()), true, out);
        }
        out.append("))");
      } else {
        translate((Criteria) part, negated, out);
      }
    }
    out.append(")");
  }

  @FunctionalInterface
  private interface Predicate {
    /** {@code sideTable}: the column is the side table's value column (or an array's element). */
    void write(String column, boolean sideTable, Sql out);
  }

  /** {@code column = value}. */
  private record EqualTo(Object value) implements Predicate {
    @Override
    public void write(String column, boolean sideTable, Sql out) {
      out.append(column + " = ").value(value);
    }
  }

  /** {@code column IN (values)}, never empty. */
  private record OneOf(List<Object> values) implements Predicate {
    @Override
    public void write(String column, boolean sideTable, Sql out) {
      out.append(column + " IN (");
      for (int i = 0; i < values.size(); i++) {
        out.append(i == 0 ? "" : ", ").value(values.get(i));
      }
      out.append(")");
    }
  }

  private void atom(String field, boolean negated, Sql out, Predicate p) {
    if (field.equals(Sort.ID)) {
      out.append(negated ? "NOT (" : "(");
      p.write("d.id", false, out);
      out.append(")");
    } else if (layout.hasArray(index(field))) {
      arrayAtom(field, negated, out, p);
    } else if (index(field).multiValued()) {
      out.append(negated ? "NOT " : "");
      exists(field, out);
      out.append(" AND ");
      p.write("m." + Layout.valueColumn(index(field).type()), true, out);
      out.append(")");
    } else {
      String col = "d." + Layout.column(field);
      if (negated) {
        out.append("(" + col + " IS NULL OR NOT (");
        p.write(col, false, out);
        out.append("))");
      } else {
        out.append("(");
        p.write(col, false, out);
        out.append(")");
      }
    }
  }

  /**
   * An atom on a multi-valued field with an {@linkplain Layout#arrayIndexes array column}, read on the document's own
   * row: equality as {@code ? = ANY(d.a_f)} (an IN as one such test per value, OR-ed), any other comparison as
   * {@code EXISTS} over the array's elements. The array is never NULL and holds no NULL, so each is true or false and
   * its negation is plain {@code NOT}.
   */
  private void arrayAtom(String field, boolean negated, Sql out, Predicate p) {
    String array = "d." + Layout.arrayColumn(field);
    out.append(negated ? "NOT (" : "(");
    if (p instanceof EqualTo eq) {
      out.value(eq.value()).append(" = ANY(" + array + ")");
    } else if (p instanceof OneOf in) {
      for (int i = 0; i < in.values().size(); i++) {
        out.append(i == 0 ? "" : " OR ").value(in.values().get(i)).append(" = ANY(" + array + ")");
      }
    } else {
      existsElement(field, out);
      p.write(valueColumn(field), true, out);
      out.append(")");
    }
    out.append(")");
  }

  /**
   * Opens {@code EXISTS (SELECT 1 FROM unnest(d.a_f) AS u(v) WHERE } over an array column's elements; the caller
   * writes the condition on {@link #valueColumn} and closes it.
   */
  private void existsElement(String field, Sql out) {
    out.append("EXISTS (SELECT 1 FROM unnest(d." + Layout.arrayColumn(field) + ") AS u(v) WHERE ");
  }

  /** What a condition on one value of a multi-valued field names: the array's element or the side table's column. */
  private String valueColumn(String field) {
    return layout.hasArray(index(field)) ? layout.dialect().arrayElement("u.v")
        : "m." + Layout.valueColumn(index(field).type());
  }

  /**
   * Opens {@code EXISTS (SELECT 1 FROM side m WHERE <correlated> AND m.field = 'f'}; the caller closes it. The field
   * name is a literal, like the column names, and as safe: it comes from the validated spec
   * ({@code [a-z][a-zA-Z0-9]*}). As a literal, PostgreSQL's generic plan estimates it from the column statistics
   * (how many side-table rows the field has) instead of a default for an unknown parameter.
   */
  private void exists(String field, Sql out) {
    out.append("EXISTS (SELECT 1 FROM " + layout.sideTable() + " m WHERE m.tenant = d.tenant AND m.id = d.id"
        + " AND m.field = '" + index(field).name() + "'");
  }

  private IndexSpec index(String field) {
    return layout.spec().index(field).orElseThrow(() -> new IllegalStateException("unchecked field " + field));
  }

  static String escapeLike(String s) {
    StringBuilder b = new StringBuilder(s.length() + 4);
    for (char c : s.toCharArray()) {
      if (c == '%' || c == '_' || c == ESCAPE) {
        b.append(ESCAPE);
      }
      b.append(c);
    }
    return b.toString();
  }

  /** The ORDER BY clause for the sort's effective keys. */
  public String orderBy(Sort sort, Dialect dialect) {
    StringBuilder b = new StringBuilder(" ORDER BY ");
    List<Sort.Key> keys = sort.effectiveKeys();
    for (int i = 0; i < keys.size(); i++) {
      Sort.Key k = keys.get(i);
      b.append(i == 0 ? "" : ", ");
      if (k.field().equals(Sort.ID)) {
        // ids are never NULL: no null ordering needed (and MariaDB has none to give)
        b.append("d.id").append(k.direction() == Sort.Direction.ASC ? " ASC" : " DESC");
      } else {
        b.append(dialect.orderBy("d." + Layout.column(k.field()), k.direction() == Sort.Direction.ASC));
      }
    }
    return b.toString();
  }

  static boolean isString(IndexType t) {
    return t == IndexType.STRING;
  }
}
