package dev.rapport.crm.query;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * Evaluates a criteria against a document's index values in memory. This is the reference semantics: the
 * in-memory store uses it, the TCK compares every adapter with it, and guards use it.
 */
public final class CriteriaEvaluator {
  private CriteriaEvaluator() {}

  /**
   * @param valuesOf the values a document holds for a field name (empty when it has none), already normalised
   *     with {@link Values#normalize}
   */
  public static boolean matches(Criteria c, Function<String, List<Object>> valuesOf) {
    if (c instanceof Criteria.All) {
      return true;
    } else if (c instanceof Criteria.None) {
      return false;
    } else if (c instanceof Criteria.Eq eq) {
      for (Object v : valuesOf.apply(eq.field())) {
        if (same(v, eq.value())) {
          return true;
        }
      }
      return false;
    } else if (c instanceof Criteria.Compare cmp) {
      for (Object v : valuesOf.apply(cmp.field())) {
        if (compare(v, cmp)) {
          return true;
        }
      }
      return false;
    } else if (c instanceof Criteria.In in) {
      for (Object v : valuesOf.apply(in.field())) {
        for (Object w : in.values()) {
          if (same(v, w)) {
            return true;
          }
        }
      }
      return false;
    } else if (c instanceof Criteria.Prefix p) {
      for (Object v : valuesOf.apply(p.field())) {
        if (v instanceof String s && s.startsWith(p.prefix())) {
          return true;
        }
      }
      return false;
    } else if (c instanceof Criteria.Exists e) {
      return !valuesOf.apply(e.field()).isEmpty();
    } else if (c instanceof Criteria.And and) {
      for (Criteria x : and.all()) {
        if (!matches(x, valuesOf)) {
          return false;
        }
      }
      return true;
    } else if (c instanceof Criteria.Or or) {
      for (Criteria x : or.any()) {
        if (matches(x, valuesOf)) {
          return true;
        }
      }
      return false;
    } else if (c instanceof Criteria.Not not) {
      return !matches(not.criteria(), valuesOf);
    }
    throw new IllegalStateException("unknown criteria " + c);
  }

  static boolean same(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    return a.equals(b);
  }

  private static boolean compare(Object v, Criteria.Compare cmp) {
    if (v.getClass() != cmp.value().getClass()) {
      return false;
    }
    int r = Values.compare(v, cmp.value());
    return switch (cmp.op()) {
      case GT -> r > 0;
      case GTE -> r >= 0;
      case LT -> r < 0;
      case LTE -> r <= 0;
    };
  }
}
