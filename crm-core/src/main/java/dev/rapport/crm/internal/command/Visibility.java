package dev.rapport.crm.internal.command;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.CriteriaEvaluator;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one rule for "may this actor see this record at all": the policy's {@link Action#VIEW} filter, evaluated on
 * the loaded record's index values with the reference criteria semantics, so a single-record read and a page
 * never disagree. A record outside it is treated exactly like one that does not exist.
 */
final class Visibility {
  private final Store store;
  private final AccessPolicy policy;
  private final java.util.function.UnaryOperator<dev.rapport.crm.store.CollectionSpec> registered;

  Visibility(Store store, AccessPolicy policy,
             java.util.function.UnaryOperator<dev.rapport.crm.store.CollectionSpec> registered) {
    this.store = store;
    this.policy = policy;
    this.registered = registered;
  }

  /** The filter for a listing action, checked to name only fields the collection indexes. */
  DataFilter filter(Actor actor, Action action, ResourceType type) {
    DataFilter filter = policy.filter(actor, action, type);
    if (filter instanceof DataFilter.Where where) {
      try {
        registered.apply(type.collection()).check(where.criteria());
      } catch (RuntimeException e) {
        throw new IllegalStateException("the access policy's " + action + " filter for " + type
            + " names what its collection does not index: " + e.getMessage(), e);
      }
    }
    return filter;
  }

  static boolean admits(DataFilter filter, ResourceType type, Document doc) {
    if (filter instanceof DataFilter.Always) {
      return true;
    }
    if (filter instanceof DataFilter.Never) {
      return false;
    }
    Criteria c = ((DataFilter.Where) filter).criteria();
    // a read document has no multi-valued values: the type derives them from the body when the residual names one
    java.util.Map<String, java.util.List<Object>> values = type.readValues(doc);
    return CriteriaEvaluator.matches(c, f -> values.getOrDefault(f, java.util.List.of()));
  }

  /**
   * The record if it exists and the actor may see it. The filter is asked first, so that whether a record exists
   * changes nothing about what the policy is asked or what it may throw.
   *
   * @param invisible told of a record that exists but that the actor may not see (to record the refusal)
   */
  Optional<Document> loadVisible(Actor actor, ResourceType type, String id, Consumer<Document> invisible) {
    DataFilter filter = filter(actor, Action.VIEW, type);
    Optional<Document> doc = store.get(actor.tenant(), type.collection().name(), id);
    if (doc.isPresent() && !admits(filter, type, doc.get())) {
      invisible.accept(doc.get());
      return Optional.empty();
    }
    return doc;
  }
}
