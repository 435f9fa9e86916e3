package dev.rapport.crm.internal.command;

import dev.rapport.crm.query.Criteria;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Rewrites the string values of criteria, field by field, keeping their shape. */
public final class CriteriaText {
  private CriteriaText() {}

  /**
   * {@code criteria} with every string value {@code v} of field {@code f} replaced by {@code form.apply(f, v)}
   * (equalities, comparisons, IN lists and prefixes; other values and shapes as they are).
   */
  public static Criteria map(Criteria criteria, BiFunction<String, String, String> form) {
    if (criteria instanceof Criteria.Eq eq && eq.value() instanceof String s) {
      return new Criteria.Eq(eq.field(), form.apply(eq.field(), s));
    } else if (criteria instanceof Criteria.Compare cmp && cmp.value() instanceof String s) {
      return new Criteria.Compare(cmp.field(), cmp.op(), form.apply(cmp.field(), s));
    } else if (criteria instanceof Criteria.In in) {
      List<Object> values = new ArrayList<>(in.values().size());
      for (Object v : in.values()) {
        values.add(v instanceof String s ? form.apply(in.field(), s) : v);
      }
      return new Criteria.In(in.field(), values);
    } else if (criteria instanceof Criteria.Prefix p) {
      return new Criteria.Prefix(p.field(), form.apply(p.field(), p.prefix()));
    } else if (criteria instanceof Criteria.And and) {
      return new Criteria.And(and.all().stream().map(c -> map(c, form)).toList());
    } else if (criteria instanceof Criteria.Or or) {
      return new Criteria.Or(or.any().stream().map(c -> map(c, form)).toList());
    } else if (criteria instanceof Criteria.Not not) {
      return new Criteria.Not(map(not.criteria(), form));
    }
    return criteria;
  }
}
