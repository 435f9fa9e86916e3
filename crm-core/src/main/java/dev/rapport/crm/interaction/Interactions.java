package dev.rapport.crm.interaction;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.internal.command.CommandPipeline.Command;
import dev.rapport.crm.internal.command.JsonAggregateType;
import dev.rapport.crm.internal.command.Queries;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Document;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Interactions with customers: log them, complete their follow-ups, query them. */
public final class Interactions {
  static final JsonAggregateType<Interaction> TYPE =
      new JsonAggregateType<>("interaction", InteractionFields.SPEC, Interaction.class) {
        @Override
        public String id(Interaction i) {
          return i.id();
        }

        @Override
        public long version(Interaction i) {
          return i.version();
        }

        @Override
        public Interaction stamped(Interaction i, long version, Instant at, String by) {
          return new Interaction(i.id(), i.tenant(), i.customerId(), i.channel(), i.direction(), i.occurredAt(),
              i.actorUserId(), i.summary(), i.outcome(), i.followUpDue(), i.followUpDoneAt(), version,
              i.createdAt(), i.createdBy(), at, by);
        }

        @Override
        public Map<String, List<Object>> index(Interaction i) {
          return Document.indexValues()
              .put(InteractionFields.CUSTOMER_ID, i.customerId())
              .put(InteractionFields.CHANNEL, i.channel().name())
              .put(InteractionFields.DIRECTION, i.direction().name())
              .put(InteractionFields.OCCURRED_AT, i.occurredAt())
              .put(InteractionFields.ACTOR, i.actorUserId())
              .put(InteractionFields.FOLLOW_UP_DUE, i.followUpDue())
              .put(InteractionFields.FOLLOW_UP_OPEN, i.followUpOpen())
              .build();
        }
      };

  private final CommandPipeline pipeline;
  private final AccessPolicy policy;

  public Interactions(CommandPipeline pipeline, AccessPolicy policy) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Records an interaction with an existing customer. */
  public Interaction log(Actor actor, LogInteraction cmd) {
    Objects.requireNonNull(cmd, "cmd");
    String id = Ids.uuidV7(pipeline.clock());
    return pipeline.execute(actor, TYPE, new Command<Interaction>("interaction.log", Action.CREATE, cmd, null, null,
        null, current -> {
          if (pipeline.store().get(actor.tenant(), CustomerFields.COLLECTION, cmd.customerId()).isEmpty()) {
            throw ValidationException.of("customerId", "customer.exists", "no customer " + cmd.customerId());
          }
          Instant now = pipeline.clock().instant();
          Instant at = cmd.occurredAt() != null ? cmd.occurredAt() : now;
          Interaction i = new Interaction(id, actor.tenant(), cmd.customerId(), cmd.channel(), cmd.direction(), at,
              actor.userId(), cmd.summary(), cmd.outcome(), cmd.followUpDue(), null, 0, now, actor.userId(), now,
              actor.userId());
          return Changed.of(i, new DomainEvent("interaction.logged", Json.object()
              .put("customerId", i.customerId()).put("channel", i.channel().name())));
        }));
  }

  /** Marks the follow-up of an interaction as done. */
  public Interaction completeFollowUp(Actor actor, String id) {
    return pipeline.execute(actor, TYPE, new Command<Interaction>("interaction.complete-follow-up", Action.EDIT,
        Map.of("id", id), id, null, null, current -> {
          Interaction i = Objects.requireNonNull(current);
          if (!i.followUpOpen()) {
            return new Changed<>(i, List.of());
          }
          Instant now = pipeline.clock().instant();
          Interaction next = new Interaction(i.id(), i.tenant(), i.customerId(), i.channel(), i.direction(),
              i.occurredAt(), i.actorUserId(), i.summary(), i.outcome(), i.followUpDue(), now, i.version(),
              i.createdAt(), i.createdBy(), i.updatedAt(), i.updatedBy());
          return Changed.of(next, new DomainEvent("interaction.follow-up-completed",
              Json.object().put("customerId", i.customerId())));
        }));
  }

  public Optional<Interaction> get(Actor actor, String id) {
    Page<Interaction> p = find(actor, Query.of(Criteria.eq("id", id), dev.rapport.crm.query.Sort.byId(), 1));
    return p.items().stream().findFirst();
  }

  public Page<Interaction> find(Actor actor, Query query) {
    return Queries.find(pipeline.store(), policy, actor, TYPE.resourceType(), InteractionFields.SPEC,
        query.criteria(), query).map(TYPE::fromDocument);
  }

  public long count(Actor actor, Criteria criteria) {
    return Queries.count(pipeline.store(), policy, actor, TYPE.resourceType(), InteractionFields.SPEC, criteria);
  }
}
