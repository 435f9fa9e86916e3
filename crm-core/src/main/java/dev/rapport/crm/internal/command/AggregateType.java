package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** How the command path stores one kind of aggregate: its resource type, its document form and its bookkeeping. */
public interface AggregateType<A> {

  /** The resource type policies, audit, approvals and events name ({@code customer}, {@code case}, ...). */
  ResourceType resource();

  default CollectionSpec collection() {
    return resource().collection();
  }

  /**
   * The boolean index that marks a soft-deleted record ({@code true}), or null when records of this type are never
   * deleted. Reads leave such records out unless the query asks for them.
   */
  default @Nullable String deletedField() {
    return null;
  }

  String id(A aggregate);

  long version(A aggregate);

  /** The aggregate with its version and last-change stamp set (the command path owns these fields). */
  A stamped(A aggregate, long version, Instant at, String by);

  Document toDocument(A aggregate);

  /** The aggregate's stored body alone (what policies, audit and the gate see), without its index values. */
  ObjectNode body(A aggregate);

  /** The aggregate from a stored body (possibly masked). */
  A fromBody(ObjectNode body);

  /**
   * {@code criteria} with its values in the form this type's index holds them (names in Unicode NFC, tags in their
   * normalised form, ...), so that a search finds what a record shows, whichever form the caller typed. Applied by
   * the read path to the caller's criteria after they were checked.
   */
  default Criteria canonical(Criteria criteria) {
    return criteria;
  }

  default A fromDocument(Document document) {
    return fromBody(document.body());
  }
}
