package dev.rapport.crm.internal.command;

import dev.rapport.crm.query.Criteria;
import java.util.function.UnaryOperator;

/** Rewrites the values a criteria compares one field with, for fields whose index holds a normalised form. */
public final class CriteriaValues {
  private CriteriaValues() {}

  /**
   * {@code criteria} with each value that {@code eq} and {@code in} compare {@code field} with passed through
   * {@code indexForm}. Ranges and prefixes are left as given: they compare with the index form as it is stored.
   */
  public static Criteria map(Criteria criteria, String field, UnaryOperator<Object> indexForm) {
    if (criteria instanceof Criteria.Eq eq && eq.field().equals(field)) {
      return new Criteria.Eq(field, indexForm.apply(eq.value()));
    } else if (criteria instanceof Criteria.In in && in.field().equals(field)) {
      return new Criteria.In(field, in.values().stream().map(indexForm).toList());
    } else if (criteria instanceof Criteria.And and) {
      return new Criteria.And(and.all().stream().map(c -> map(c, field, indexForm)).toList());
    } else if (criteria instanceof Criteria.Or or) {
      return new Criteria.Or(or.any().stream().map(c -> map(c, field, indexForm)).toList());
    } else if (criteria instanceof Criteria.Not not) {
      return new Criteria.Not(map(not.criteria(), field, indexForm));
    }
    return criteria;
  }
}
