package dev.rapport.crm.internal.customer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.customer.CustomerSettings;
import dev.rapport.crm.customer.Customers;
import dev.rapport.crm.customer.UpsertResult;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.command.AggregateReads;
import dev.rapport.crm.internal.command.CommandDefinition;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.internal.command.Reads;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link Customers} on the command path. Each command is a registered {@link CommandDefinition} whose step is one
 * of the aggregate's business methods; this class only names inputs, ids and versions.
 */
public final class CustomerService extends AggregateReads<Customer> implements Customers {
  private final CustomerType type;

  private final CommandPipeline pipeline;
  private final Reads reads;
  private final CommandDefinition<CustomerData, Customer> create;
  private final CommandDefinition<UpsertByExternalRef, Customer> upsert;
  private final CommandDefinition<CustomerPatch, Customer> update;
  private final CommandDefinition<ChangeStage, Customer> changeStage;
  private final CommandDefinition<ChangeTags, Customer> tag;
  private final CommandDefinition<ChangeTags, Customer> untag;
  private final CommandDefinition<AssignOwner, Customer> assignOwner;
  private final CommandDefinition<ChangeCreditLimit, Customer> changeCreditLimit;
  private final CommandDefinition<SoftDelete, Customer> delete;
  private final CommandDefinition<Restore, Customer> restore;
  private final CommandDefinition<Revert, Customer> revert;

  public CustomerService(CommandPipeline pipeline, CustomerSettings settings) {
    this(pipeline, settings, new CustomerType(settings));
  }

  private CustomerService(CommandPipeline pipeline, CustomerSettings settings, CustomerType type) {
    super(pipeline, type, "customer");
    this.type = type;
    this.pipeline = pipeline;
    this.reads = pipeline.reads();
    Objects.requireNonNull(settings, "settings");
    create = pipeline.register(CommandDefinition.creating("customer.create", type, CustomerData.class,
        (ctx, data, cur) -> Customer.create(ctx.id(), ctx.actor().tenant(), data,
            settings.rules(ctx.actor().tenant()), ctx.now(), ctx.actor().userId()))
        .withProvenClean(CleanCustomerData.mirrors(pipeline.validator()) ? CleanCustomerData::isClean : d -> false));
    upsert = pipeline.register(CommandDefinition.changing("customer.upsert", Action.EDIT, type,
        UpsertByExternalRef.class, (ctx, in, cur) -> Objects.requireNonNull(cur).sync(withRef(in),
            settings.rules(ctx.actor().tenant()), ctx.now(), ctx.actor().userId())));
    update = pipeline.register(CommandDefinition.changing("customer.update", Action.EDIT, type, CustomerPatch.class,
        (ctx, patch, cur) -> Objects.requireNonNull(cur).update(patch, settings.rules(ctx.actor().tenant()),
            ctx.now(), ctx.actor().userId())));
    changeStage = pipeline.register(CommandDefinition.changing("customer.change-stage", Action.EDIT, type,
        ChangeStage.class, (ctx, in, cur) -> Objects.requireNonNull(cur).changeStage(in.stage(), in.reason(),
            settings.lifecycle(ctx.actor().tenant()), ctx.now()))
        .withReason(ChangeStage::reason));
    tag = pipeline.register(CommandDefinition.changing("customer.tag", Action.EDIT, type, ChangeTags.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).tag(in.tags())));
    untag = pipeline.register(CommandDefinition.changing("customer.untag", Action.EDIT, type, ChangeTags.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).untag(in.tags())));
    assignOwner = pipeline.register(CommandDefinition.changing("customer.assign-owner", Action.ASSIGN, type,
        AssignOwner.class, (ctx, in, cur) -> Objects.requireNonNull(cur).assignOwner(in.owner())));
    changeCreditLimit = pipeline.register(CommandDefinition.changing("customer.change-credit-limit", Action.EDIT,
        type, ChangeCreditLimit.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).changeCreditLimit(in.creditLimit(), in.reason()))
        .withReason(ChangeCreditLimit::reason));
    delete = pipeline.register(CommandDefinition.changing("customer.delete", Action.DELETE, type, SoftDelete.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).delete(in.reason(), ctx.now(), ctx.actor().userId()))
        .withReason(SoftDelete::reason));
    restore = pipeline.register(CommandDefinition.changing("customer.restore", Action.DELETE, type, Restore.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).restore())
        .withReason(Restore::reason));
    revert = pipeline.register(CommandDefinition.changing("customer.revert", Action.EDIT, type, Revert.class,
        (ctx, in, cur) -> Objects.requireNonNull(cur).revertTo(earlier(type, cur, in.state())))
        .withReason(Revert::reason));
  }

  /** The customer {@code state} describes, with {@code current}'s bookkeeping; refused, naming the field, if none. */
  private static Customer earlier(CustomerType type, Customer current, ObjectNode state) {
    ObjectNode body = state.deepCopy();
    ObjectNode now = type.body(current);
    for (String field : List.of("id", "tenant", "version", "createdAt", "createdBy", "updatedAt", "updatedBy",
        "deleted", "deletedAt", "deletedBy")) {
      if (now.has(field)) {
        body.set(field, now.get(field));
      } else {
        body.remove(field);
      }
    }
    // an empty list or map and an absent one are the same in a rebuilt state: the stored form has them all
    for (String list : List.of("emails", "phones", "addresses", "contactPersons", "tags")) {
      if (!body.has(list)) {
        body.putArray(list);
      }
    }
    for (String map : List.of("stageEnteredAt", "externalRefs", "customFields", "consents")) {
      if (!body.has(map)) {
        body.putObject(map);
      }
    }
    if (body.path("name").isObject() && !body.path("name").has("variants")) {
      ((ObjectNode) body.get("name")).putObject("variants");
    }
    try {
      return type.fromBody(body);
    } catch (RuntimeException e) {
      throw ValidationException.of("state", "revert.state",
          "not a stored customer: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- commands

  @Override
  public Customer create(Actor actor, CustomerData data) {
    Objects.requireNonNull(data, "data");
    return pipeline.execute(actor, create, Ids.uuidV7(pipeline.clock()), null, data);
  }

  @Override
  public UpsertResult upsertByExternalRef(Actor actor, String system, String externalId, CustomerData data) {
    Objects.requireNonNull(actor, "actor");
    UpsertByExternalRef in = new UpsertByExternalRef(system, externalId, data);
    pipeline.validate(in);
    CustomerData withRef = withRef(in);
    String ref = CustomerFields.externalRef(system, externalId);
    for (int attempt = 0; ; attempt++) {
      // looked up only through the actor's own view, after its filter is known
      Optional<Document> existing = reads.findUnique(actor, type, CustomerFields.EXTERNAL_REFS, ref);
      try {
        if (existing.isEmpty()) {
          return new UpsertResult(create(actor, withRef), UpsertResult.Outcome.CREATED);
        }
        long readVersion = existing.get().version();
        Customer after = pipeline.execute(actor, upsert, existing.get().id(), readVersion, in);
        return new UpsertResult(after, after.version() == readVersion ? UpsertResult.Outcome.UNCHANGED
            : UpsertResult.Outcome.UPDATED);
      } catch (DuplicateKeyException | VersionConflictException | NotFoundException e) {
        // Two syncs of the same record raced: the loser re-reads and applies its data on top, once.
        if (attempt >= 1 || (e instanceof DuplicateKeyException d && !d.field().equals(CustomerFields.EXTERNAL_REFS))
            || (e instanceof NotFoundException && existing.isEmpty())) {
          throw e;
        }
      }
    }
  }

  /** The upsert's data with its own reference among the external references. */
  private static CustomerData withRef(UpsertByExternalRef in) {
    CustomerData data = in.data();
    Map<String, String> refs = new LinkedHashMap<>(data.externalRefs());
    refs.put(in.system(), in.externalId());
    return new CustomerData(data.kind(), data.name(), data.localizedNames(), data.emails(), data.phones(),
        data.phoneRegion(), data.addresses(), data.contactPersons(), data.tags(), data.stage(), data.grade(),
        data.owner(), data.team(), data.department(), data.region(), data.creditLimit(), refs, data.customFields(),
        data.consents());
  }

  @Override
  public Customer update(Actor actor, String id, CustomerPatch patch) {
    Objects.requireNonNull(patch, "patch");
    return pipeline.execute(actor, update, id, patch.expectedVersion(), patch);
  }

  @Override
  public Customer changeStage(Actor actor, String id, String stage, @Nullable String reason) {
    return pipeline.execute(actor, changeStage, id, null, new ChangeStage(stage, reason));
  }

  @Override
  public Customer tag(Actor actor, String id, String... tags) {
    return pipeline.execute(actor, tag, id, null, new ChangeTags(List.of(tags)));
  }

  @Override
  public Customer untag(Actor actor, String id, String... tags) {
    return pipeline.execute(actor, untag, id, null, new ChangeTags(List.of(tags)));
  }

  @Override
  public Customer assignOwner(Actor actor, String id, String owner) {
    return pipeline.execute(actor, assignOwner, id, null, new AssignOwner(owner));
  }

  @Override
  public Customer changeCreditLimit(Actor actor, String id, Money creditLimit, String reason) {
    return pipeline.execute(actor, changeCreditLimit, id, null, new ChangeCreditLimit(creditLimit, reason));
  }

  @Override
  public Customer delete(Actor actor, String id, String reason) {
    return pipeline.execute(actor, delete, id, null, new SoftDelete(reason));
  }

  @Override
  public Customer restore(Actor actor, String id) {
    return pipeline.execute(actor, restore, id, null, new Restore(null));
  }

  @Override
  public Customer revert(Actor actor, String id, ObjectNode state, String reason) {
    return pipeline.execute(actor, revert, id, null, new Revert(state, reason));
  }

  // ---------------------------------------------------------------- queries






  @Override
  public Optional<Customer> findByExternalRef(Actor actor, String system, String externalId) {
    Page<Customer> page = find(actor, Query.of(Criteria.eq(CustomerFields.EXTERNAL_REFS,
        CustomerFields.externalRef(system, externalId)), Sort.byId(), 1));
    return page.items().stream().findFirst();
  }
}
