package dev.rapport.crm.servicecase;

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
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.servicecase.ServiceCase.Status;
import dev.rapport.crm.store.Document;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Service cases. Status moves: OPEN → IN_PROGRESS → RESOLVED → CLOSED; OPEN → RESOLVED directly; RESOLVED or CLOSED
 * → OPEN by {@link #reopen}. A satisfaction score can be given once the case is resolved or closed.
 */
public final class Cases {
  static final JsonAggregateType<ServiceCase> TYPE =
      new JsonAggregateType<>("case", CaseFields.SPEC, ServiceCase.class) {
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
          return c.edit().stamped(version, at, by);
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

  private static final Map<Status, Set<Status>> MOVES = Map.of(
      Status.OPEN, EnumSet.of(Status.IN_PROGRESS, Status.RESOLVED),
      Status.IN_PROGRESS, EnumSet.of(Status.RESOLVED),
      Status.RESOLVED, EnumSet.of(Status.CLOSED, Status.OPEN),
      Status.CLOSED, EnumSet.of(Status.OPEN));

  private static final Map<String, String> EVENTS = Map.of("case.assign", "case.assigned", "case.start",
      "case.started", "case.resolve", "case.resolved", "case.close", "case.closed", "case.reopen", "case.reopened",
      "case.rate", "case.rated");

  private final CommandPipeline pipeline;
  private final AccessPolicy policy;
  private final SlaPolicy sla;

  public Cases(CommandPipeline pipeline, AccessPolicy policy, SlaPolicy sla) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sla = Objects.requireNonNull(sla, "sla");
  }

  public record Resolve(@NotBlank @Size(max = 10000) String resolution) {}

  public record Reopen(@NotBlank @Size(max = 1000) String reason) {}

  public record Rate(@NotNull @Min(1) @Max(5) Integer csat, ServiceCase.@Nullable Sentiment sentiment,
                     @Nullable @Size(max = 4000) String feedback) {}

  public record Assign(@NotBlank @Size(max = 128) String assignee) {}

  public ServiceCase open(Actor actor, OpenCase cmd) {
    Objects.requireNonNull(cmd, "cmd");
    String id = Ids.uuidV7(pipeline.clock());
    return pipeline.execute(actor, TYPE, new Command<ServiceCase>("case.open", Action.CREATE, cmd, null, null, null,
        current -> {
          if (pipeline.store().get(actor.tenant(), CustomerFields.COLLECTION, cmd.customerId()).isEmpty()) {
            throw ValidationException.of("customerId", "customer.exists", "no customer " + cmd.customerId());
          }
          Instant now = pipeline.clock().instant();
          ServiceCase c = new ServiceCase(id, actor.tenant(), cmd.customerId(), cmd.subject(), cmd.description(),
              cmd.priority(), Status.OPEN, cmd.assignee(), now.plus(sla.of(cmd.priority())), null, null, null, null, 0,
              null, null, 0, now, actor.userId(), now, actor.userId());
          return Changed.of(c, event("case.opened", c));
        }));
  }

  public ServiceCase assign(Actor actor, String id, String assignee) {
    return change(actor, id, "case.assign", Action.ASSIGN, new Assign(assignee), null, c -> {
      ServiceCase.Builder b = c.edit();
      b.assignee = assignee;
      return b.build();
    });
  }

  public ServiceCase start(Actor actor, String id) {
    return move(actor, id, "case.start", Map.of(), null, Status.IN_PROGRESS, UnaryOperator.identity());
  }

  public ServiceCase resolve(Actor actor, String id, String resolution) {
    return move(actor, id, "case.resolve", new Resolve(resolution), null, Status.RESOLVED, b -> {
      b.resolution = resolution;
      b.resolvedAt = pipeline.clock().instant();
      return b;
    });
  }

  public ServiceCase close(Actor actor, String id) {
    return move(actor, id, "case.close", Map.of(), null, Status.CLOSED, b -> {
      b.closedAt = pipeline.clock().instant();
      return b;
    });
  }

  /** Reopens a resolved or closed case; its SLA restarts from now. */
  public ServiceCase reopen(Actor actor, String id, String reason) {
    return move(actor, id, "case.reopen", new Reopen(reason), reason, Status.OPEN, b -> {
      b.reopenCount++;
      b.resolvedAt = null;
      b.closedAt = null;
      b.slaDue = pipeline.clock().instant().plus(sla.of(b.priority));
      return b;
    });
  }

  /** Records the customer's satisfaction (1–5) once the case is resolved or closed. */
  public ServiceCase rate(Actor actor, String id, int csat, ServiceCase.@Nullable Sentiment sentiment,
                          @Nullable String feedback) {
    return change(actor, id, "case.rate", Action.EDIT, new Rate(csat, sentiment, feedback), null, c -> {
      if (c.status() != Status.RESOLVED && c.status() != Status.CLOSED) {
        throw ValidationException.of("csat", "case.rate.status", "only resolved or closed cases can be rated");
      }
      ServiceCase.Builder b = c.edit();
      b.csat = csat;
      b.sentiment = sentiment;
      b.feedback = feedback;
      return b.build();
    });
  }

  private ServiceCase move(Actor actor, String id, String name, Object payload, @Nullable String reason, Status to,
                           UnaryOperator<ServiceCase.Builder> more) {
    return change(actor, id, name, Action.EDIT, payload, reason, c -> {
      if (!MOVES.get(c.status()).contains(to)) {
        throw ValidationException.of("status", "case.status.transition",
            "a case cannot move from " + c.status() + " to " + to + "; allowed: " + MOVES.get(c.status()));
      }
      ServiceCase.Builder b = c.edit();
      b.status = to;
      return more.apply(b).build();
    });
  }

  private ServiceCase change(Actor actor, String id, String name, Action action, Object payload,
                             @Nullable String reason, UnaryOperator<ServiceCase> step) {
    return pipeline.execute(actor, TYPE, new Command<ServiceCase>(name, action, payload, id, null, reason, current -> {
      ServiceCase cur = Objects.requireNonNull(current);
      ServiceCase next = step.apply(cur);
      if (next.equals(cur)) {
        return new Changed<>(cur, List.of());
      }
      return Changed.of(next, event(EVENTS.get(name), next));
    }));
  }

  private static DomainEvent event(String type, ServiceCase c) {
    return new DomainEvent(type, Json.object().put("customerId", c.customerId()).put("status", c.status().name())
        .put("priority", c.priority().name()));
  }

  public Optional<ServiceCase> get(Actor actor, String id) {
    return find(actor, Query.of(Criteria.eq("id", id), Sort.byId(), 1)).items().stream().findFirst();
  }

  public Page<ServiceCase> find(Actor actor, Query query) {
    return Queries.find(pipeline.store(), policy, actor, TYPE.resourceType(), CaseFields.SPEC, query.criteria(), query)
        .map(TYPE::fromDocument);
  }

  public long count(Actor actor, Criteria criteria) {
    return Queries.count(pipeline.store(), policy, actor, TYPE.resourceType(), CaseFields.SPEC, criteria);
  }

  /** Open or in-progress cases past their SLA due time, most overdue first. */
  public Page<ServiceCase> overdue(Actor actor, int limit) {
    Criteria c = Criteria.and(Criteria.in(CaseFields.STATUS, Status.OPEN.name(), Status.IN_PROGRESS.name()),
        Criteria.lt(CaseFields.SLA_DUE, pipeline.clock().instant()));
    return find(actor, Query.of(c, Sort.asc(CaseFields.SLA_DUE), limit));
  }
}
