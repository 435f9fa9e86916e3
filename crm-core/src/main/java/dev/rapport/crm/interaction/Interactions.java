package dev.rapport.crm.interaction;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Interactions with customers, from {@code crm.interactions()}: log them, complete their follow-ups, query them.
 * Commands and reads take the command path like customers' (see {@link dev.rapport.crm.customer.Customers}): an
 * interaction the actor may not see answers exactly like one that does not exist, and logging one for a customer
 * the actor may not see is refused like logging one for a customer that does not exist.
 */
public interface Interactions {

  /** Records an interaction with an existing customer the actor may see (else a violation at {@code customerId}). */
  Interaction log(Actor actor, LogInteraction cmd);

  /** Marks the follow-up of an interaction as done. */
  Interaction completeFollowUp(Actor actor, String id);

  /** The interaction, or empty if it does not exist or the actor may not see it. */
  Optional<Interaction> get(Actor actor, String id);

  /** The interaction, or {@link dev.rapport.crm.error.NotFoundException}. */
  Interaction require(Actor actor, String id);

  /** One page of the interactions the actor may view that match the query (none are ever deleted). */
  Page<Interaction> find(Actor actor, Query query);

  /** Every match of the query, read lazily page by page through {@link #find}; see {@code Customers.stream}. */
  Stream<Interaction> stream(Actor actor, Query query);

  /** Like {@link #find}, filtered, masked and recorded for {@link dev.rapport.crm.access.Action#EXPORT}. */
  Page<Interaction> export(Actor actor, Query query);

  long count(Actor actor, Criteria criteria);

  /**
   * What changed among the interactions the actor may view, after {@code after}; see {@code Customers.changes}. Read a
   * changed record through {@link #get}.
   */
  ChangeBatch changes(Actor actor, FeedPosition after, int limit);

  /** Input of {@link #completeFollowUp}. */
  record CompleteFollowUp(@NotBlank @Size(max = 64) String id) {}
}
