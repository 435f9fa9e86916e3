package dev.rapport.crm.interaction;

import dev.rapport.crm.actor.TenantId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A communication with a customer: a call, an email, a visit. Records what happened (summary, outcome) and an
 * optional follow-up with its due date.
 */
public record Interaction(String id, TenantId tenant, String customerId, Channel channel, Direction direction,
                          Instant occurredAt, String actorUserId, String summary, @Nullable String outcome,
                          @Nullable Instant followUpDue, @Nullable Instant followUpDoneAt, long version,
                          Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {
  public Interaction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(summary, "summary");
  }

  public enum Channel {
    PHONE, EMAIL, SMS, CHAT, SOCIAL, VISIT, MEETING
  }

  public enum Direction {
    INBOUND, OUTBOUND
  }

  public boolean followUpOpen() {
    return followUpDue != null && followUpDoneAt == null;
  }
}
