package dev.rapport.crm.servicecase;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.error.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A service request or complaint: priority, status (open → in progress → resolved → closed, with reopen), SLA due
 * time, resolution, and the customer's satisfaction (CSAT 1–5) with the sentiment of their feedback.
 */
public record ServiceCase(String id, TenantId tenant, String customerId, String subject, @Nullable String description,
                          Priority priority, Status status, @Nullable String assignee, Instant slaDue,
                          @Nullable String resolution, @Nullable Integer csat, @Nullable Sentiment sentiment,
                          @Nullable String feedback, int reopenCount, @Nullable Instant resolvedAt,
                          @Nullable Instant closedAt, long version, Instant createdAt, String createdBy,
                          Instant updatedAt, String updatedBy) {
  public ServiceCase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(slaDue, "slaDue");
  }

  public enum Priority {
    LOW, NORMAL, HIGH, URGENT
  }

  public enum Status {
    OPEN, IN_PROGRESS, RESOLVED, CLOSED
  }

  public enum Sentiment {
    NEGATIVE, NEUTRAL, POSITIVE
  }

  /** Open or in progress past its SLA due time. */
  public boolean isOverdue(Instant now) {
    return (status == Status.OPEN || status == Status.IN_PROGRESS) && now.isAfter(slaDue);
  }

  // ---------------------------------------------------------------- business methods
  // Status moves: OPEN → IN_PROGRESS → RESOLVED → CLOSED; OPEN → RESOLVED; RESOLVED or CLOSED → OPEN (reopen).

  private static final Map<Status, Set<Status>> MOVES = Map.of(
      Status.OPEN, EnumSet.of(Status.IN_PROGRESS, Status.RESOLVED),
      Status.IN_PROGRESS, EnumSet.of(Status.RESOLVED),
      Status.RESOLVED, EnumSet.of(Status.CLOSED, Status.OPEN),
      Status.CLOSED, EnumSet.of(Status.OPEN));

  /**
   * A new open case for {@code customer} (loaded by the command path, so it exists and the actor may see it), due
   * {@code resolveWithin} from now.
   */
  public static Changed<ServiceCase> open(String id, Customer customer, OpenCase in, Duration resolveWithin,
                                          Instant now, String by) {
    ServiceCase c = new ServiceCase(id, customer.tenant(), customer.id(), in.subject(), in.description(),
        in.priority(), Status.OPEN, in.assignee(), now.plus(resolveWithin), null, null, null, null, 0, null, null, 0,
        now, by, now, by);
    return Changed.of(c, c.event("case.opened"));
  }

  /** Gives the case to {@code user}. */
  public Changed<ServiceCase> assign(String user) {
    Builder b = edit();
    b.assignee = user;
    return changed(b.build(), "case.assigned");
  }

  /** Starts work on an open case. */
  public Changed<ServiceCase> start() {
    return changed(move(Status.IN_PROGRESS).build(), "case.started");
  }

  /** Resolves an open or in-progress case. */
  public Changed<ServiceCase> resolve(String text, Instant now) {
    Builder b = move(Status.RESOLVED);
    b.resolution = text;
    b.resolvedAt = now;
    return changed(b.build(), "case.resolved");
  }

  /** Closes a resolved case. */
  public Changed<ServiceCase> close(Instant now) {
    Builder b = move(Status.CLOSED);
    b.closedAt = now;
    return changed(b.build(), "case.closed");
  }

  /** Reopens a resolved or closed case; its SLA restarts from now. */
  public Changed<ServiceCase> reopen(Duration resolveWithin, Instant now) {
    Builder b = move(Status.OPEN);
    b.reopenCount++;
    b.resolvedAt = null;
    b.closedAt = null;
    b.slaDue = now.plus(resolveWithin);
    return changed(b.build(), "case.reopened");
  }

  /** Records the customer's satisfaction (1–5) once the case is resolved or closed. */
  public Changed<ServiceCase> rate(int score, @Nullable Sentiment mood, @Nullable String text) {
    if (status != Status.RESOLVED && status != Status.CLOSED) {
      throw ValidationException.of("csat", "case.rate.status", "only resolved or closed cases can be rated");
    }
    Builder b = edit();
    b.csat = score;
    b.sentiment = mood;
    b.feedback = text;
    return changed(b.build(), "case.rated");
  }

  private Builder move(Status to) {
    if (!MOVES.get(status).contains(to)) {
      throw ValidationException.of("status", "case.status.transition",
          "a case cannot move from " + status + " to " + to + "; allowed: " + MOVES.get(status));
    }
    Builder b = edit();
    b.status = to;
    return b;
  }

  private Changed<ServiceCase> changed(ServiceCase next, String event) {
    return next.equals(this) ? Changed.none(this) : Changed.of(next, next.event(event));
  }

  private DomainEvent event(String type) {
    return new DomainEvent(type, JsonNodeFactory.instance.objectNode().put("customerId", customerId).put("status", status.name())
        .put("priority", priority.name()));
  }

  Builder edit() {
    return new Builder(this);
  }

  static final class Builder {
    private final ServiceCase c;
    @Nullable String assignee;
    Status status;
    Priority priority;
    Instant slaDue;
    @Nullable String resolution;
    @Nullable Integer csat;
    @Nullable Sentiment sentiment;
    @Nullable String feedback;
    int reopenCount;
    @Nullable Instant resolvedAt;
    @Nullable Instant closedAt;

    Builder(ServiceCase c) {
      this.c = c;
      assignee = c.assignee;
      status = c.status;
      priority = c.priority;
      slaDue = c.slaDue;
      resolution = c.resolution;
      csat = c.csat;
      sentiment = c.sentiment;
      feedback = c.feedback;
      reopenCount = c.reopenCount;
      resolvedAt = c.resolvedAt;
      closedAt = c.closedAt;
    }

    ServiceCase build() {
      return new ServiceCase(c.id, c.tenant, c.customerId, c.subject, c.description, priority, status, assignee,
          slaDue, resolution, csat, sentiment, feedback, reopenCount, resolvedAt, closedAt, c.version, c.createdAt,
          c.createdBy, c.updatedAt, c.updatedBy);
    }

  }
}
