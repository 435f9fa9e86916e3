package dev.rapport.crm.internal.interaction;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.interaction.Interaction;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.interaction.Interactions;
import dev.rapport.crm.interaction.LogInteraction;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.command.AggregateReads;
import dev.rapport.crm.internal.command.CommandDefinition;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.internal.command.JsonAggregateType;
import dev.rapport.crm.internal.customer.CustomerType;
import dev.rapport.crm.store.Document;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@link Interactions} on the command path. */
public final class InteractionService extends AggregateReads<Interaction> implements Interactions {
  static final JsonAggregateType<Interaction> TYPE =
      new JsonAggregateType<>(InteractionFields.TYPE, Interaction.class) {
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
  private final CommandDefinition<LogInteraction, Interaction> log;
  private final CommandDefinition<CompleteFollowUp, Interaction> completeFollowUp;

  public InteractionService(CommandPipeline pipeline) {
    super(pipeline, TYPE, "interaction");
    this.pipeline = pipeline;
    log = pipeline.register(CommandDefinition.creating("interaction.log", TYPE, LogInteraction.class,
            (ctx, in, cur) -> Interaction.log(ctx.id(), ctx.related("customerId", Customer.class), in, ctx.now(),
                ctx.actor().userId()))
        .needing(in -> in.customerId() == null ? List.of()
            : List.of(new CommandDefinition.Related("customerId", CustomerType.INSTANCE, in.customerId()))));
    completeFollowUp = pipeline.register(CommandDefinition.changing("interaction.complete-follow-up", Action.EDIT,
        TYPE, CompleteFollowUp.class, (ctx, in, cur) -> Objects.requireNonNull(cur).completeFollowUp(ctx.now())));
  }

  @Override
  public Interaction log(Actor actor, LogInteraction cmd) {
    Objects.requireNonNull(cmd, "cmd");
    return pipeline.execute(actor, log, Ids.uuidV7(pipeline.clock()), null, cmd);
  }

  @Override
  public Interaction completeFollowUp(Actor actor, String id) {
    return pipeline.execute(actor, completeFollowUp, id, null, new CompleteFollowUp(id));
  }





}
