package dev.rapport.crm.internal.command;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import java.util.List;

/** The query path: the access policy's residual filter is ANDed into the criteria and pushed down to the store. */
public final class Queries {
  private Queries() {}

  public static Page<Document> find(Store store, AccessPolicy policy, Actor actor, String resourceType,
                                    CollectionSpec spec, Criteria criteria, Query query) {
    spec.check(criteria);
    spec.check(query.sort());
    DataFilter filter = policy.filter(actor, Action.VIEW, resourceType);
    if (filter instanceof DataFilter.Never) {
      return new Page<>(List.of(), null);
    }
    Criteria effective = filter instanceof DataFilter.Always ? criteria : Criteria.and(filter.asCriteria(), criteria);
    return store.query(actor.tenant(), spec.name(), new Query(effective, query.sort(), query.limit(), query.cursor()));
  }

  public static long count(Store store, AccessPolicy policy, Actor actor, String resourceType, CollectionSpec spec,
                           Criteria criteria) {
    spec.check(criteria);
    DataFilter filter = policy.filter(actor, Action.VIEW, resourceType);
    if (filter instanceof DataFilter.Never) {
      return 0;
    }
    Criteria effective = filter instanceof DataFilter.Always ? criteria : Criteria.and(filter.asCriteria(), criteria);
    return store.count(actor.tenant(), spec.name(), effective);
  }

  /** Whether a criteria names a field anywhere. */
  public static boolean mentions(Criteria c, String field) {
    if (c instanceof Criteria.Eq x) {
      return x.field().equals(field);
    } else if (c instanceof Criteria.Compare x) {
      return x.field().equals(field);
    } else if (c instanceof Criteria.In x) {
      return x.field().equals(field);
    } else if (c instanceof Criteria.Prefix x) {
      return x.field().equals(field);
    } else if (c instanceof Criteria.Exists x) {
      return x.field().equals(field);
    } else if (c instanceof Criteria.And x) {
      return x.all().stream().anyMatch(y -> mentions(y, field));
    } else if (c instanceof Criteria.Or x) {
      return x.any().stream().anyMatch(y -> mentions(y, field));
    } else if (c instanceof Criteria.Not x) {
      return mentions(x.criteria(), field);
    }
    return false;
  }
}
