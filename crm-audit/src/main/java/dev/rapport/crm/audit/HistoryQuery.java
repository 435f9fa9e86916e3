package dev.rapport.crm.audit;

import dev.rapport.crm.query.Criteria;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which audit records {@link AuditTrail#history} returns, oldest first: every condition given must hold. Each is
 * served by an index of the trail (collection {@value AuditTrail#INDEX}).
 *
 * <pre>{@code
 * HistoryQuery.forResource("customer", id)                  // everything about one customer
 * HistoryQuery.all().actor("li.wei").from(monday).to(friday)  // what one user did in a week
 * HistoryQuery.all().changed("creditLimit.amount")            // every change to credit limits
 * }</pre>
 */
public final class HistoryQuery {
  /** The most records one call returns. */
  public static final int MAX_LIMIT = 1000;
  private @Nullable String resource;
  private @Nullable String subject;
  private @Nullable String actor;
  private @Nullable String action;
  private @Nullable String kind;
  private @Nullable String changed;
  private @Nullable Instant from;
  private @Nullable Instant to;
  private long after;
  private int limit = 100;

  private HistoryQuery() {}

  /** Every record. */
  public static HistoryQuery all() {
    return new HistoryQuery();
  }

  /** The records about one record ({@code customer}, id), of every kind. */
  public static HistoryQuery forResource(String resourceType, String resourceId) {
    return all().resource(resourceType, resourceId);
  }

  /**
   * The records about one data subject: a customer's own records and those of the interactions and cases about it
   * (their {@code subject} is the customer's id).
   */
  public static HistoryQuery forSubject(String subjectId) {
    return all().subject(subjectId);
  }

  /** Records about this data subject (a customer's id); see {@link #forSubject}. */
  public HistoryQuery subject(String subjectId) {
    this.subject = Objects.requireNonNull(subjectId, "subject");
    return this;
  }

  public HistoryQuery resource(String resourceType, String resourceId) {
    this.resource = key(resourceType, resourceId);
    return this;
  }

  /** Records of this acting user ({@code Actor.userId()}). */
  public HistoryQuery actor(String userId) {
    this.actor = Objects.requireNonNull(userId, "actor");
    return this;
  }

  /** Records of this action ({@code EDIT}, {@code EXPORT}, ...: an {@code Action}'s name). */
  public HistoryQuery action(String value) {
    this.action = Objects.requireNonNull(value, "action");
    return this;
  }

  /** Records of this kind: {@code change}, {@code denied}, {@code read} or {@code security}. */
  public HistoryQuery kind(String value) {
    this.kind = Objects.requireNonNull(value, "kind");
    return this;
  }

  /**
   * Changes to this field path ({@code creditLimit.amount}, {@code tags}, {@code name.default}); paths longer than
   * 255 characters are not indexed and match nothing.
   */
  public HistoryQuery changed(String fieldPath) {
    this.changed = Objects.requireNonNull(fieldPath, "field");
    return this;
  }

  /** Records at or after this instant. */
  public HistoryQuery from(Instant inclusive) {
    this.from = Objects.requireNonNull(inclusive, "from");
    return this;
  }

  /** Records before this instant. */
  public HistoryQuery to(Instant exclusive) {
    this.to = Objects.requireNonNull(exclusive, "to");
    return this;
  }

  /** Records after this stream position: the next page after a page ending at {@code position}. */
  public HistoryQuery after(long position) {
    if (position < 0) {
      throw dev.rapport.crm.error.ValidationException.of("history.after", "history.after.negative",
          "position must be at least 0: " + position);
    }
    this.after = position;
    return this;
  }

  /** At most this many records (1-{@value #MAX_LIMIT}, default 100). */
  public HistoryQuery limit(int value) {
    if (value < 1 || value > MAX_LIMIT) {
      throw dev.rapport.crm.error.ValidationException.of("history.limit", "history.limit.range",
          "limit must be 1-" + MAX_LIMIT + ": " + value);
    }
    this.limit = value;
    return this;
  }

  long afterPosition() {
    return after;
  }

  int limit() {
    return limit;
  }

  static String key(String resourceType, String resourceId) {
    return Objects.requireNonNull(resourceType, "resourceType") + "/" + Objects.requireNonNull(resourceId, "resourceId");
  }

  /** The conditions as criteria on the index collection. */
  Criteria criteria() {
    List<Criteria> all = new ArrayList<>();
    if (resource != null) {
      all.add(Criteria.eq("resource", resource));
    }
    if (subject != null) {
      all.add(Criteria.eq("subject", subject));
    }
    if (actor != null) {
      all.add(Criteria.eq("actor", actor));
    }
    if (action != null) {
      all.add(Criteria.eq("action", action));
    }
    if (kind != null) {
      all.add(Criteria.eq("kind", kind));
    }
    if (changed != null) {
      all.add(Criteria.eq("fields", changed));
    }
    if (from != null) {
      all.add(Criteria.gte("at", from));
    }
    if (to != null) {
      all.add(Criteria.lt("at", to));
    }
    return all.isEmpty() ? Criteria.all() : Criteria.and(all);
  }

  /** The same conditions on a record read from the stream (one the index does not hold yet). */
  boolean matches(AuditRecord r) {
    return (resource == null || r.resourceType() != null && r.resourceId() != null
            && resource.equals(key(r.resourceType(), r.resourceId())))
        && (subject == null || subject.equals(r.subject()))
        && (actor == null || actor.equals(r.actor()))
        && (action == null || action.equals(r.action()))
        && (kind == null || kind.equals(r.kind()))
        && (changed == null || changed.length() <= dev.rapport.crm.store.IndexSpec.MAX_STRING_LENGTH
            && r.changes().stream().anyMatch(c -> c.field().equals(changed)))
        && (from == null || !r.at().isBefore(from))
        && (to == null || r.at().isBefore(to));
  }
}
