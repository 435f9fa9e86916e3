package dev.rapport.crm.internal.servicecase;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.command.AggregateReads;
import dev.rapport.crm.internal.command.CommandDefinition;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.internal.command.JsonAggregateType;
import dev.rapport.crm.internal.customer.CustomerType;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.servicecase.Cases;
import dev.rapport.crm.servicecase.OpenCase;
import dev.rapport.crm.servicecase.ServiceCase.Status;
import dev.rapport.crm.servicecase.ServiceCase;
import dev.rapport.crm.servicecase.SlaPolicy;
import dev.rapport.crm.store.Document;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link Cases} on the command path. */
public final class CaseService extends AggregateReads<ServiceCase> implements Cases {
  static final JsonAggregateType<ServiceCase> TYPE =
      new JsonAggregateType<>(CaseFields.TYPE, ServiceCase.class) {
        @Override
        public String id(ServiceCase c) {
          return c.id();
        }

        @Override
        public long version(ServiceCase c) {
          return c.version();
        }

        @Override
        public ServiceCase stamped(ServiceCase c, long version, Instant at, String by) {
          return new ServiceCase(c.id(), c.tenant(), c.customerId(), c.subject(), c.description(), c.priority(),
              c.status(), c.assignee(), c.slaDue(), c.resolution(), c.csat(), c.sentiment(), c.feedback(),
              c.reopenCount(), c.resolvedAt(), c.closedAt(), version, c.createdAt(), c.createdBy(), at, by);
        }

        @Override
        public Map<String, List<Object>> index(ServiceCase c) {
          return Document.indexValues()
              .put(CaseFields.CUSTOMER_ID, c.customerId())
              .put(CaseFields.STATUS, c.status().name())
              .put(CaseFields.PRIORITY, c.priority().name())
              .put(CaseFields.ASSIGNEE, c.assignee())
              .put(CaseFields.SLA_DUE, c.slaDue())
              .put(CaseFields.CREATED_AT, c.createdAt())
              .put(CaseFields.RESOLVED_AT, c.resolvedAt())
              .put(CaseFields.CSAT, c.csat() == null ? null : c.csat().longValue())
              .put(CaseFields.SENTIMENT, c.sentiment() == null ? null : c.sentiment().name())
              .build();
        }
      };

  private final CommandPipeline pipeline;
  private final CommandDefinition<OpenCase, ServiceCase> open;
  private final CommandDefinition<Assign, ServiceCase> assign;
  private final CommandDefinition<Move, ServiceCase> start;
  private final CommandDefinition<Resolve, ServiceCase> resolve;
  private final CommandDefinition<Move, ServiceCase> close;
  private final CommandDefinition<Reopen, ServiceCase> reopen;
  private final CommandDefinition<Rate, ServiceCase> rate;

  public CaseService(CommandPipeline pipeline, SlaPolicy sla) {
    super(pipeline, TYPE, "case");
    this.pipeline = pipeline;
    Objects.requireNonNull(sla, "sla");
    open = pipeline.register(CommandDefinition.creating("case.open", TYPE, OpenCase.class,
            (ctx, in, cur) -> ServiceCase.open(ctx.id(), ctx.related("customerId", Customer.class), in,
                sla.of(in.priority()), ctx.now(), ctx.actor().userId()))
        .needing(in -> in.customerId() == null ? List.of()
            : List.of(new CommandDefinition.Related("customerId", CustomerType.INSTANCE, in.customerId()))));
    assign = pipeline.register(CommandDefinition.changing("case.assign", Action.ASSIGN, TYPE, Assign.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).assign(in.assignee())));
    start = pipeline.register(CommandDefinition.changing("case.start", Action.EDIT, TYPE, Move.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).start()));
    resolve = pipeline.register(CommandDefinition.changing("case.resolve", Action.EDIT, TYPE, Resolve.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).resolve(in.resolution(), ctx.now())));
    close = pipeline.register(CommandDefinition.changing("case.close", Action.EDIT, TYPE, Move.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).close(ctx.now())));
    reopen = pipeline.register(CommandDefinition.changing("case.reopen", Action.EDIT, TYPE, Reopen.class,
            (ctx, in, cur) -> {
              ServiceCase c = Objects.requireNonNull(cur);
              return c.reopen(sla.of(c.priority()), ctx.now());
            })
        .withReason(Reopen::reason));
    rate = pipeline.register(CommandDefinition.changing("case.rate", Action.EDIT, TYPE, Rate.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).rate(in.csat(), in.sentiment(), in.feedback())));
  }

  @Override
  public ServiceCase open(Actor actor, OpenCase cmd) {
    Objects.requireNonNull(cmd, "cmd");
    return pipeline.execute(actor, open, Ids.uuidV7(pipeline.clock()), null, cmd);
  }

  @Override
  public ServiceCase assign(Actor actor, String id, String assignee) {
    return pipeline.execute(actor, assign, id, null, new Assign(assignee));
  }

  @Override
  public ServiceCase start(Actor actor, String id) {
    return pipeline.execute(actor, start, id, null, new Move(id));
  }

  @Override
  public ServiceCase resolve(Actor actor, String id, String resolution) {
    return pipeline.execute(actor, resolve, id, null, new Resolve(resolution));
  }

  @Override
  public ServiceCase close(Actor actor, String id) {
    return pipeline.execute(actor, close, id, null, new Move(id));
  }

  @Override
  public ServiceCase reopen(Actor actor, String id, String reason) {
    return pipeline.execute(actor, reopen, id, null, new Reopen(reason));
  }

  @Override
  public ServiceCase rate(Actor actor, String id, int csat, ServiceCase.@Nullable Sentiment sentiment,
                          @Nullable String feedback) {
    return pipeline.execute(actor, rate, id, null, new Rate(csat, sentiment, feedback));
  }






  @Override
  public Page<ServiceCase> overdue(Actor actor, int limit) {
    Criteria c = Criteria.and(Criteria.in(CaseFields.STATUS, Status.OPEN.name(), Status.IN_PROGRESS.name()),
        Criteria.lt(CaseFields.SLA_DUE, pipeline.clock().instant()));
    return find(actor, Query.of(c, Sort.asc(CaseFields.SLA_DUE), limit));
  }
}
