package dev.rapport.crm.customer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Deleted;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Customers, from {@code crm.customers()}. Every command goes through the command path (authorize, load, validate,
 * apply, authorize the result, gate, persist with its audit record and outbox events in one commit, publish); every
 * read goes through the same authorization, and a customer the actor may not see answers exactly like one that
 * does not exist ({@link dev.rapport.crm.error.NotFoundException}, or an empty result). What is returned is masked
 * as the actor's field access says.
 *
 * <pre>{@code
 * Customer c = crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, "王小明")
 *     .email("xiaoming@example.cn").phone("138 0013 8000").phoneRegion("CN").build());
 * crm.customers().changeStage(actor, c.id(), "PROSPECT", null);
 * Page<Customer> vips = crm.customers().find(actor,
 *     Query.of(Criteria.tagSubtree(CustomerFields.TAGS, "segment/vip"), Sort.asc(CustomerFields.NAME), 50));
 * }</pre>
 *
 * <p>Every command method throws {@link dev.rapport.crm.error.ValidationException} (every violation, with its
 * field path), {@link dev.rapport.crm.error.AccessDeniedException},
 * {@link dev.rapport.crm.error.NotFoundException}, {@link dev.rapport.crm.error.VersionConflictException},
 * {@link dev.rapport.crm.error.ApprovalPendingException} when an approval gate parks it, and
 * {@link dev.rapport.crm.error.ApprovalRejectedException} when the gate refuses it.
 */
public interface Customers {

  /** Creates a customer; every violation of the data is reported at once. */
  Customer create(Actor actor, CustomerData data);

  /**
   * Creates or updates the customer known to ERP {@code system} as {@code externalId}, idempotently: the same data
   * twice changes nothing the second time (no new version, no event, no audit record). The reference is looked up
   * only among the customers the actor may see.
   */
  UpsertResult upsertByExternalRef(Actor actor, String system, String externalId, CustomerData data);

  /** Applies a partial update; see {@link CustomerPatch} for what null, lists and maps mean. */
  Customer update(Actor actor, String id, CustomerPatch patch);

  /** Moves the customer to another lifecycle stage, if the tenant's lifecycle allows it and its guard holds. */
  Customer changeStage(Actor actor, String id, String stage, @Nullable String reason);

  /** Adds tags (hierarchical paths); tags already present are ignored, and adding nothing new changes nothing. */
  Customer tag(Actor actor, String id, String... tags);

  /** Removes tags (exactly these paths, not their subtrees); removing absent tags changes nothing. */
  Customer untag(Actor actor, String id, String... tags);

  /** Makes {@code owner} (a user id) the customer's owner. */
  Customer assignOwner(Actor actor, String id, String owner);

  /** Sets the credit limit (an approval gate may park this, e.g. above a threshold). Must not be negative. */
  Customer changeCreditLimit(Actor actor, String id, Money creditLimit, String reason);

  /**
   * Soft-deletes the customer: queries and counts leave it out unless they ask for deleted ones
   * ({@link Query#includingDeleted()}, {@link Query#onlyDeleted()}); {@link #get} still finds it. It stays
   * restorable and keeps its history.
   */
  Customer delete(Actor actor, String id, String reason);

  /** Undoes a soft delete. */
  Customer restore(Actor actor, String id);

  /**
   * Makes the customer's content that of {@code state}, an earlier stored form of this customer (as crm-audit's
   * {@code AuditTrail.stateAt} rebuilds it; {@code AuditTrail.revert} calls this), as one new version through the
   * command path like any edit: {@link Action#EDIT} checked with every changed field against the actor's writable
   * fields, audited with the reason, events published, an approval gate consulted. The customer's identity,
   * creation and deletion state stay as they are (use {@link #restore} or {@link #delete} for those); the same
   * content again is no change. A state that is not a customer's stored form is refused naming the field.
   */
  Customer revert(Actor actor, String id, ObjectNode state, String reason);

  /** The customer (soft-deleted ones included), or empty if it does not exist or the actor may not see it. */
  Optional<Customer> get(Actor actor, String id);

  /** The customer, or {@link dev.rapport.crm.error.NotFoundException} (also when the actor may not see it). */
  Customer require(Actor actor, String id);

  /**
   * One page of the customers the actor may view that match the query. Soft-deleted customers are taken as the
   * query says: left out by default, with the others after {@link Query#includingDeleted()}, alone after
   * {@link Query#onlyDeleted()}.
   */
  Page<Customer> find(Actor actor, Query query);

  /**
   * Every customer the actor may view that matches the query, read lazily page by page ({@code query.limit()} a
   * page) through {@link #find}: each page is filtered, masked and recorded as a read like any other. Holds no
   * resource between pages, so it need not be closed. See {@link Page#streamAll}.
   *
   * <pre>{@code
   * crm.customers().stream(actor, Query.of(Criteria.all(), Sort.byId(), 500)).forEach(erp::push);
   * }</pre>
   */
  Stream<Customer> stream(Actor actor, Query query);

  /**
   * Like {@link #find}, for bulk extraction: filtered and masked for {@link dev.rapport.crm.access.Action#EXPORT}
   * (which a policy may grant more narrowly than viewing) and recorded as an export.
   */
  Page<Customer> export(Actor actor, Query query);

  /** How many live (not soft-deleted) customers the actor may view match. */
  long count(Actor actor, Criteria criteria);

  /**
   * How many customers the actor may view match, soft-deleted ones taken as {@code deleted} says (e.g.
   * {@code count(actor, Criteria.all(), Deleted.INCLUDED)} for every customer).
   */
  long count(Actor actor, Criteria criteria, Deleted deleted);

  /**
   * What changed among the customers the actor may view, after {@code after}: at most {@code limit} (1–1000)
   * changes, oldest first, and the position to read on from. Persist {@link ChangeBatch#next()} to resume after a
   * restart; no committed change after it is ever missed.
   *
   * <p>A change is metadata only (id, version, kind, commit time, position): read the record through {@link #get},
   * which filters and masks it as for any read. Changes are shown when the actor may view the record as it is now
   * (its access filter and check, like {@link #find}); the others, and changes of other collections, are skipped
   * (the returned position is past them). Customers are soft-deleted, so a delete is an {@code UPDATE} whose record
   * reads {@link Customer#isDeleted()}. A batch that returns changes is recorded as a read of their ids. For a
   * system-level feed that no actor's access narrows, see {@code Crm.changes(TenantId, ...)}.
   *
   * <pre>{@code
   * ChangeBatch batch = crm.customers().changes(actor, FeedPosition.decode(saved), 500);
   * for (Change c : batch.changes()) {
   *   crm.customers().get(actor, c.id()).ifPresent(cache::put);
   * }
   * saved = batch.next().encode();   // when batch.caughtUp(), wait a little before the next read
   * }</pre>
   */
  ChangeBatch changes(Actor actor, FeedPosition after, int limit);

  /** The customer holding an external reference, if any and if the actor may see it. */
  Optional<Customer> findByExternalRef(Actor actor, String system, String externalId);

  /** Input of {@link #changeStage}, as validated, audited and parked. */
  record ChangeStage(@NotBlank @Size(max = 40) String stage, @Nullable @Size(max = 1000) String reason) {}

  /** Input of {@link #tag} and {@link #untag}. */
  record ChangeTags(@NotEmpty @Size(max = 100) List<@NotBlank String> tags) {}

  /** Input of {@link #assignOwner}. */
  record AssignOwner(@NotBlank @Size(max = 128) String owner) {}

  /** Input of {@link #changeCreditLimit}. */
  record ChangeCreditLimit(@NotNull Money creditLimit, @NotBlank @Size(max = 1000) String reason) {}

  /** Input of {@link #delete}. */
  record SoftDelete(@NotBlank @Size(max = 1000) String reason) {}

  /** Input of {@link #restore}. */
  record Restore(@Nullable @Size(max = 1000) String reason) {}

  /** Input of {@link #revert}. */
  record Revert(@NotNull ObjectNode state, @NotBlank @Size(max = 1000) String reason) {}

  /** Input of {@link #upsertByExternalRef}. */
  record UpsertByExternalRef(@NotBlank @Size(max = 40) String system, @NotBlank @Size(max = 200) String externalId,
                             @NotNull CustomerData data) {}
}
