package dev.rapport.crm.servicecase;

import dev.rapport.crm.actor.TenantId;
import java.time.Instant;
import java.util.Objects;
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

    ServiceCase stamped(long version, Instant at, String by) {
      return new ServiceCase(c.id, c.tenant, c.customerId, c.subject, c.description, priority, status, assignee,
          slaDue, resolution, csat, sentiment, feedback, reopenCount, resolvedAt, closedAt, version, c.createdAt,
          c.createdBy, at, by);
    }
  }
}
