package dev.rapport.crm.interaction;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.customer.Customer;
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

  /**
   * A new interaction with {@code customer} (loaded by the command path, so it exists and the actor may see it),
   * logged by {@code by}; {@code occurredAt} null in the input means now.
   */
  public static Changed<Interaction> log(String id, Customer customer, LogInteraction in, Instant now, String by) {
    Instant at = in.occurredAt() != null ? in.occurredAt() : now;
    Interaction i = new Interaction(id, customer.tenant(), customer.id(), in.channel(), in.direction(), at, by,
        in.summary(), in.outcome(), in.followUpDue(), null, 0, now, by, now, by);
    return Changed.of(i, new DomainEvent("interaction.logged", JsonNodeFactory.instance.objectNode()
        .put("customerId", i.customerId()).put("channel", i.channel().name())));
  }

  /** Marks the follow-up done; no change when there is no open follow-up. */
  public Changed<Interaction> completeFollowUp(Instant now) {
    if (!followUpOpen()) {
      return Changed.none(this);
    }
    Interaction next = new Interaction(id, tenant, customerId, channel, direction, occurredAt, actorUserId, summary,
        outcome, followUpDue, now, version, createdAt, createdBy, updatedAt, updatedBy);
    return Changed.of(next, new DomainEvent("interaction.follow-up-completed",
        JsonNodeFactory.instance.objectNode().put("customerId", customerId)));
  }
}
