package dev.rapport.crm.access;

import dev.rapport.crm.query.Criteria;
import java.util.Objects;

/**
 * What an actor may see of a collection, decided before the query runs: everything, nothing, or the rows matching
 * a residual criteria (the policy partially evaluated with the actor known), which the query layer ANDs into the
 * query and pushes down to the store.
 */
public sealed interface DataFilter {
  record Always() implements DataFilter {}

  record Never() implements DataFilter {}

  record Where(Criteria criteria) implements DataFilter {
    public Where {
      Objects.requireNonNull(criteria, "criteria");
    }
  }

  static DataFilter always() {
    return new Always();
  }

  static DataFilter never() {
    return new Never();
  }

  static DataFilter where(Criteria criteria) {
    return new Where(criteria);
  }

  /** The filter as a criteria to AND into a query. */
  default Criteria asCriteria() {
    if (this instanceof Where w) {
      return w.criteria();
    }
    return this instanceof Always ? Criteria.all() : Criteria.none();
  }
}
