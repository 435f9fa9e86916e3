package dev.rapport.crm.jdbc.internal;

import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.util.List;

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
    } else if (c instanceof Criteria.Eq eq) {
      atom(eq.field(), negated, out, (col, s) -> s.append(col + " = ").value(eq.value()));
    } else if (c instanceof Criteria.Compare cmp) {
      String op = switch (cmp.op()) {
        case GT -> " > ";
        case GTE -> " >= ";
        case LT -> " < ";
        case LTE -> " <= ";
      };
      atom(cmp.field(), negated, out, (col, s) -> s.append(col + op).value(cmp.value()));
    } else if (c instanceof Criteria.In in) {
      if (in.values().isEmpty()) {
        out.append(negated ? "1=1" : "1=0");
        return;
      }
      atom(in.field(), negated, out, (col, s) -> {
        s.append(col + " IN (");
        for (int i = 0; i < in.values().size(); i++) {
          s.append(i == 0 ? "" : ", ").value(in.values().get(i));
        }
        s.append(")");
      });
    } else if (c instanceof Criteria.Prefix p) {
      if (p.prefix().isEmpty()) {
        translate(new Criteria.Exists(p.field()), negated, out);
        return;
      }
      String pattern = escapeLike(out.dialect().encodeKey(p.prefix())) + "%";
      atom(p.field(), negated, out, (col, s) -> s.append(col + " LIKE ")
          .param((ps, i) -> ps.setString(i, pattern)).append(" ESCAPE '" + ESCAPE + "'"));
    } else if (c instanceof Criteria.Exists e) {
      if (e.field().equals(Sort.ID)) {
        out.append(negated ? "1=0" : "1=1");
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
      junction(or.any(), negated ? " AND " : " OR ", negated ? "1=1" : "1=0", negated, out);
    } else if (c instanceof Criteria.Not not) {
      translate(not.criteria(), !negated, out);
    } else {
      throw new IllegalStateException("unknown criteria " + c);
    }
  }

  private void junction(List<Criteria> parts, String op, String empty, boolean negated, Sql out) {
    if (parts.isEmpty()) {
      out.append(empty);
      return;
    }
    out.append("(");
    for (int i = 0; i < parts.size(); i++) {
      out.append(i == 0 ? "" : op);
      translate(parts.get(i), negated, out);
    }
    out.append(")");
  }

  @FunctionalInterface
  private interface Predicate {
    void write(String column, Sql out);
  }

  private void atom(String field, boolean negated, Sql out, Predicate p) {
    if (field.equals(Sort.ID)) {
      out.append(negated ? "NOT (" : "(");
      p.write("d.id", out);
      out.append(")");
    } else if (index(field).multiValued()) {
      out.append(negated ? "NOT " : "");
      exists(field, out);
      out.append(" AND ");
      p.write("m." + Layout.valueColumn(index(field).type()), out);
      out.append(")");
    } else {
      String col = "d." + Layout.column(field);
      if (negated) {
        out.append("(" + col + " IS NULL OR NOT (");
        p.write(col, out);
        out.append("))");
      } else {
        out.append("(");
        p.write(col, out);
        out.append(")");
      }
    }
  }

  /** Opens {@code EXISTS (SELECT 1 FROM side m WHERE <correlated> AND m.field = ?}; the caller closes it. */
  private void exists(String field, Sql out) {
    out.append("EXISTS (SELECT 1 FROM " + layout.sideTable() + " m WHERE m.tenant = d.tenant AND m.id = d.id"
        + " AND m.field = ").string(field);
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
