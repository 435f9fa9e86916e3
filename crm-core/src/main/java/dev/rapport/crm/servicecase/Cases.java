package dev.rapport.crm.servicecase;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Service cases, from {@code crm.cases()}. Status moves: OPEN → IN_PROGRESS → RESOLVED → CLOSED; OPEN → RESOLVED
 * directly; RESOLVED or CLOSED → OPEN by {@link #reopen}. A satisfaction score can be given once the case is
 * resolved or closed. Commands and reads take the command path like customers' (see
 * {@link dev.rapport.crm.customer.Customers}): a case the actor may not see answers exactly like one that does not
 * exist.
 */
public interface Cases {

  /** Opens a case for a customer the actor may see (else a violation at {@code customerId}). */
  ServiceCase open(Actor actor, OpenCase cmd);

  ServiceCase assign(Actor actor, String id, String assignee);

  ServiceCase start(Actor actor, String id);

  ServiceCase resolve(Actor actor, String id, String resolution);

  ServiceCase close(Actor actor, String id);

  /** Reopens a resolved or closed case; its SLA restarts from now. */
  ServiceCase reopen(Actor actor, String id, String reason);

  /** Records the customer's satisfaction (1–5) once the case is resolved or closed. */
  ServiceCase rate(Actor actor, String id, int csat, ServiceCase.@Nullable Sentiment sentiment,
                   @Nullable String feedback);

  /** The case, or empty if it does not exist or the actor may not see it. */
  Optional<ServiceCase> get(Actor actor, String id);

  /** The case, or {@link dev.rapport.crm.error.NotFoundException}. */
  ServiceCase require(Actor actor, String id);

  /** One page of the cases the actor may view that match the query (none are ever deleted). */
  Page<ServiceCase> find(Actor actor, Query query);

  /** Every match of the query, read lazily page by page through {@link #find}; see {@code Customers.stream}. */
  Stream<ServiceCase> stream(Actor actor, Query query);

  /** Like {@link #find}, filtered, masked and recorded for {@link dev.rapport.crm.access.Action#EXPORT}. */
  Page<ServiceCase> export(Actor actor, Query query);

  long count(Actor actor, Criteria criteria);

  /**
   * What changed among the cases the actor may view, after {@code after}; see {@code Customers.changes}. Read a
   * changed record through {@link #get}.
   */
  ChangeBatch changes(Actor actor, FeedPosition after, int limit);

  /** Open or in-progress cases past their SLA due time, most overdue first. */
  Page<ServiceCase> overdue(Actor actor, int limit);

  /** Input of {@link #resolve}. */
  record Resolve(@NotBlank @Size(max = 10000) String resolution) {}

  /** Input of {@link #reopen}. */
  record Reopen(@NotBlank @Size(max = 1000) String reason) {}

  /** Input of {@link #rate}. */
  record Rate(@NotNull @Min(1) @Max(5) Integer csat, ServiceCase.@Nullable Sentiment sentiment,
              @Nullable @Size(max = 4000) String feedback) {}

  /** Input of {@link #assign}. */
  record Assign(@NotBlank @Size(max = 128) String assignee) {}

  /** Input of {@link #start} and {@link #close}: nothing but the case. */
  record Move(@NotBlank @Size(max = 64) String id) {}
}
