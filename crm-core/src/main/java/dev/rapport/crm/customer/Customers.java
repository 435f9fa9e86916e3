package dev.rapport.crm.customer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.internal.Ids;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.internal.command.CommandPipeline;
import dev.rapport.crm.internal.command.CommandPipeline.Command;
import dev.rapport.crm.internal.command.Queries;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.tag.TagPath;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Customers: every command goes through the command path (authorize, validate, gate, apply, persist with audit and
 * outbox in one commit, publish); every query is filtered by the access policy in the store.
 *
 * <pre>{@code
 * Customer c = crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, "王小明")
 *     .email("xiaoming@example.cn").phone("138 0013 8000").phoneRegion("CN").build());
 * crm.customers().changeStage(actor, c.id(), "PROSPECT", null);
 * Page<Customer> vips = crm.customers().find(actor,
 *     Query.of(Criteria.tagSubtree(CustomerFields.TAGS, "segment/vip"), Sort.asc(CustomerFields.NAME), 50));
 * }</pre>
 */
public final class Customers {
  private static final String TYPE = "customer";

  private final CommandPipeline pipeline;
  private final AccessPolicy policy;
  private final CustomerSettings settings;

  public Customers(CommandPipeline pipeline, AccessPolicy policy, CustomerSettings settings) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Command payloads, as validated and as the approval gate sees them. */
  public record ChangeStage(@NotBlank @Size(max = 40) String stage, @Nullable @Size(max = 1000) String reason) {}

  public record ChangeTags(@NotEmpty @Size(max = 100) List<@NotBlank String> tags) {}

  public record AssignOwner(@NotBlank @Size(max = 128) String owner) {}

  public record ChangeCreditLimit(@NotNull Money creditLimit, @NotBlank @Size(max = 1000) String reason) {}

  public record SoftDelete(@NotBlank @Size(max = 1000) String reason) {}

  public record Restore(@Nullable @Size(max = 1000) String reason) {}

  public record UpsertByExternalRef(@NotBlank @Size(max = 40) String system, @NotBlank @Size(max = 200) String externalId,
                                    @NotNull CustomerData data) {}

  // ---------------------------------------------------------------- commands

  /** Creates a customer; every violation of the data is reported at once. */
  public Customer create(Actor actor, CustomerData data) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(data, "data");
    String id = Ids.uuidV7(pipeline.clock());
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.create", Action.CREATE,
        data, null, null, null, current -> {
          Customer created = materialize(actor, id, data, null);
          return Changed.of(created, event("customer.created", created));
        }));
  }

  /**
   * Creates or updates the customer known to ERP {@code system} as {@code externalId}, idempotently: the same data
   * twice changes nothing the second time (no new version, no event, no audit record).
   */
  public UpsertResult upsertByExternalRef(Actor actor, String system, String externalId, CustomerData data) {
    Objects.requireNonNull(actor, "actor");
    pipeline.validate(new UpsertByExternalRef(system, externalId, data));
    Map<String, String> refs = new LinkedHashMap<>(data.externalRefs());
    refs.put(system, externalId);
    CustomerData withRef = new CustomerData(data.kind(), data.name(), data.localizedNames(), data.emails(),
        data.phones(), data.phoneRegion(), data.addresses(), data.contactPersons(), data.tags(), data.stage(),
        data.grade(), data.owner(), data.team(), data.department(), data.region(), data.creditLimit(), refs,
        data.customFields(), data.consents());
    for (int attempt = 0; ; attempt++) {
      Optional<Document> existing = pipeline.store().findUnique(actor.tenant(), CustomerFields.COLLECTION,
          CustomerFields.EXTERNAL_REFS, CustomerFields.externalRef(system, externalId));
      try {
        if (existing.isEmpty()) {
          return new UpsertResult(create(actor, withRef), UpsertResult.Outcome.CREATED);
        }
        long readVersion = existing.get().version();
        Customer after = pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.upsert",
            Action.EDIT, new UpsertByExternalRef(system, externalId, withRef), existing.get().id(), readVersion,
            null, current -> {
              Customer cur = Objects.requireNonNull(current);
              Customer next = materialize(actor, cur.id(), withRef, cur);
              return sameContent(cur, next) ? new Changed<>(cur, List.of())
                  : Changed.of(next, changedEvent("customer.updated", cur, next));
            }));
        return new UpsertResult(after, after.version() == readVersion ? UpsertResult.Outcome.UNCHANGED
            : UpsertResult.Outcome.UPDATED);
      } catch (DuplicateKeyException | dev.rapport.crm.error.VersionConflictException e) {
        // Two syncs of the same record raced: the loser re-reads and applies its data on top, once.
        if (attempt >= 1 || (e instanceof DuplicateKeyException d && !d.field().equals(CustomerFields.EXTERNAL_REFS))) {
          throw e;
        }
      }
    }
  }

  /** Applies a partial update; see {@link CustomerPatch} for what null, lists and maps mean. */
  public Customer update(Actor actor, String id, CustomerPatch patch) {
    Objects.requireNonNull(patch, "patch");
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.update", Action.EDIT, patch,
        id, patch.expectedVersion(), null, current -> {
          Customer cur = Objects.requireNonNull(current);
          Customer next = patched(actor, cur, patch);
          return sameContent(cur, next) ? new Changed<>(cur, List.of())
              : Changed.of(next, changedEvent("customer.updated", cur, next));
        }));
  }

  /** Moves the customer to another lifecycle stage, if the tenant's lifecycle allows it and its guard holds. */
  public Customer changeStage(Actor actor, String id, String stage, @Nullable String reason) {
    ChangeStage cmd = new ChangeStage(stage, reason);
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.change-stage", Action.EDIT,
        cmd, id, null, reason, current -> {
          Customer cur = Objects.requireNonNull(current);
          Lifecycle lifecycle = settings.lifecycle(actor.tenant());
          Map<String, List<Object>> values = CustomerType.INSTANCE.index(cur);
          lifecycle.check(cur.stage(), stage, reason, f -> values.getOrDefault(f, List.of()));
          Customer next = cur.edit().enterStage(stage, pipeline.clock().instant()).build();
          ObjectNode data = Json.object().put("from", cur.stage()).put("to", stage);
          if (reason != null) {
            data.put("reason", reason);
          }
          return Changed.of(next, new DomainEvent("customer.stage-changed", data));
        }));
  }

  /** Adds tags (hierarchical paths); tags already present are ignored, and adding nothing new changes nothing. */
  public Customer tag(Actor actor, String id, String... tags) {
    ChangeTags cmd = new ChangeTags(List.of(tags));
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.tag", Action.EDIT, cmd, id,
        null, null, current -> {
          Customer cur = Objects.requireNonNull(current);
          List<TagPath> add = parseTags(cmd.tags());
          Set<TagPath> all = new LinkedHashSet<>(cur.tags());
          List<TagPath> added = add.stream().filter(all::add).distinct().toList();
          if (added.isEmpty()) {
            return new Changed<>(cur, List.of());
          }
          Customer.Builder b = cur.edit();
          b.tags = List.copyOf(all);
          return Changed.of(b.build(), new DomainEvent("customer.tagged", tagData(added)));
        }));
  }

  /** Removes tags (exactly these paths, not their subtrees); removing absent tags changes nothing. */
  public Customer untag(Actor actor, String id, String... tags) {
    ChangeTags cmd = new ChangeTags(List.of(tags));
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.untag", Action.EDIT, cmd,
        id, null, null, current -> {
          Customer cur = Objects.requireNonNull(current);
          List<TagPath> remove = parseTags(cmd.tags());
          List<TagPath> removed = cur.tags().stream().filter(remove::contains).toList();
          if (removed.isEmpty()) {
            return new Changed<>(cur, List.of());
          }
          Customer.Builder b = cur.edit();
          b.tags = cur.tags().stream().filter(t -> !remove.contains(t)).toList();
          return Changed.of(b.build(), new DomainEvent("customer.untagged", tagData(removed)));
        }));
  }

  /** Makes {@code owner} (a user id) the customer's owner. */
  public Customer assignOwner(Actor actor, String id, String owner) {
    AssignOwner cmd = new AssignOwner(owner);
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.assign-owner", Action.ASSIGN,
        cmd, id, null, null, current -> {
          Customer cur = Objects.requireNonNull(current);
          if (owner.equals(cur.owner())) {
            return new Changed<>(cur, List.of());
          }
          Customer.Builder b = cur.edit();
          b.owner = owner;
          ObjectNode data = Json.object().put("to", owner);
          if (cur.owner() != null) {
            data.put("from", cur.owner());
          }
          return Changed.of(b.build(), new DomainEvent("customer.owner-assigned", data));
        }));
  }

  /** Sets the credit limit (an approval gate may park this, e.g. above a threshold). Must not be negative. */
  public Customer changeCreditLimit(Actor actor, String id, Money creditLimit, String reason) {
    ChangeCreditLimit cmd = new ChangeCreditLimit(creditLimit, reason);
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.change-credit-limit",
        Action.EDIT, cmd, id, null, reason, current -> {
          Customer cur = Objects.requireNonNull(current);
          if (creditLimit.amount().signum() < 0) {
            throw ValidationException.of("creditLimit", "creditLimit.negative", "a credit limit cannot be negative");
          }
          if (creditLimit.equals(cur.creditLimit())) {
            return new Changed<>(cur, List.of());
          }
          Customer.Builder b = cur.edit();
          b.creditLimit = creditLimit;
          ObjectNode data = Json.object();
          if (cur.creditLimit() != null) {
            data.set("from", Json.toTree(cur.creditLimit()));
          }
          data.set("to", Json.toTree(creditLimit));
          data.put("reason", reason);
          return Changed.of(b.build(), new DomainEvent("customer.credit-limit-changed", data));
        }));
  }

  /** Soft-deletes the customer: it disappears from queries but stays restorable and keeps its history. */
  public Customer delete(Actor actor, String id, String reason) {
    SoftDelete cmd = new SoftDelete(reason);
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.delete", Action.DELETE, cmd,
        id, null, reason, current -> {
          Customer cur = Objects.requireNonNull(current);
          if (cur.isDeleted()) {
            return new Changed<>(cur, List.of());
          }
          Customer.Builder b = cur.edit();
          b.deletedAt = pipeline.clock().instant();
          b.deletedBy = actor.userId();
          return Changed.of(b.build(), new DomainEvent("customer.deleted", Json.object().put("reason", reason)));
        }));
  }

  /** Undoes a soft delete. */
  public Customer restore(Actor actor, String id) {
    return pipeline.execute(actor, CustomerType.INSTANCE, new Command<Customer>("customer.restore", Action.DELETE,
        new Restore(null), id, null, null, current -> {
          Customer cur = Objects.requireNonNull(current);
          if (!cur.isDeleted()) {
            return new Changed<>(cur, List.of());
          }
          Customer.Builder b = cur.edit();
          b.deletedAt = null;
          b.deletedBy = null;
          return Changed.of(b.build(), new DomainEvent("customer.restored", Json.object()));
        }));
  }

  // ---------------------------------------------------------------- queries

  /** The customer, soft-deleted ones included; {@link AccessDeniedException} if the actor may not view it. */
  public Optional<Customer> get(Actor actor, String id) {
    Optional<Document> doc = pipeline.store().get(actor.tenant(), CustomerFields.COLLECTION, id);
    if (doc.isEmpty()) {
      return Optional.empty();
    }
    Decision d = policy.check(actor, Action.VIEW, new Resource(TYPE, id, doc.get().body()));
    if (!d.allowed()) {
      throw new AccessDeniedException(actor.userId() + " may not view customer " + id, d.decidingRules());
    }
    return Optional.of(CustomerType.INSTANCE.fromDocument(doc.get()));
  }

  /** The customer or {@link NotFoundException}. */
  public Customer require(Actor actor, String id) {
    return get(actor, id).orElseThrow(() -> new NotFoundException("customer " + id + " does not exist"));
  }

  /**
   * One page of the customers the actor may view that match the query. Soft-deleted customers are left out unless
   * the criteria names {@link CustomerFields#DELETED}.
   */
  public Page<Customer> find(Actor actor, Query query) {
    return Queries.find(pipeline.store(), policy, actor, TYPE, CustomerFields.SPEC, withDefaults(query.criteria()),
        query).map(CustomerType.INSTANCE::fromDocument);
  }

  /** How many customers the actor may view match. */
  public long count(Actor actor, Criteria criteria) {
    return Queries.count(pipeline.store(), policy, actor, TYPE, CustomerFields.SPEC, withDefaults(criteria));
  }

  /** The customer holding an external reference, if any. */
  public Optional<Customer> findByExternalRef(Actor actor, String system, String externalId) {
    Page<Customer> page = find(actor, Query.of(Criteria.eq(CustomerFields.EXTERNAL_REFS,
        CustomerFields.externalRef(system, externalId)), dev.rapport.crm.query.Sort.byId(), 1));
    return page.items().stream().findFirst();
  }

  private static Criteria withDefaults(Criteria criteria) {
    if (Queries.mentions(criteria, CustomerFields.DELETED)) {
      return criteria;
    }
    return Criteria.and(Criteria.eq(CustomerFields.DELETED, false), criteria);
  }

  // ---------------------------------------------------------------- domain rules

  /** Builds the customer {@code data} describes, keeping {@code existing}'s bookkeeping; all violations at once. */
  private Customer materialize(Actor actor, String id, CustomerData data, @Nullable Customer existing) {
    Violations v = new Violations();
    Instant now = pipeline.clock().instant();
    LocalizedText name = v.capture("name", () -> new LocalizedText(data.name(), data.localizedNames()));
    List<EmailAddress> emails = parseEmails(data.emails(), "emails", v);
    List<PhoneNumber> phones = parsePhones(data.phones(), data.phoneRegion(), "phones", v);
    List<PostalAddress> addresses = parseAddresses(data.addresses(), "addresses", v);
    List<ContactPerson> persons = parsePersons(data.kind(), data.contactPersons(), data.phoneRegion(), v);
    List<TagPath> tags = new ArrayList<>();
    for (int i = 0; i < data.tags().size(); i++) {
      String raw = data.tags().get(i);
      TagPath t = v.capture("tags[" + i + "]", () -> new TagPath(raw));
      if (t != null) {
        tags.add(t);
      }
    }
    Money credit = null;
    if (data.creditLimit() != null) {
      CustomerData.MoneyInput m = data.creditLimit();
      credit = v.capture("creditLimit", () -> Money.of(m.amount(), m.currency()));
      if (credit != null && credit.amount().signum() < 0) {
        v.add("creditLimit", "creditLimit.negative", "a credit limit cannot be negative");
      }
    }
    Lifecycle lifecycle = settings.lifecycle(actor.tenant());
    String stage = existing == null ? lifecycle.initial() : existing.stage();
    Map<String, Instant> entered = existing == null ? Map.of() : existing.stageEnteredAt();
    if (data.stage() != null && !data.stage().equals(stage)) {
      if (!lifecycle.stages().contains(data.stage())) {
        v.add("stage", "stage.unknown", "unknown stage " + data.stage() + "; stages are " + new java.util.TreeSet<>(lifecycle.stages()));
      } else if (existing != null) {
        try {
          Map<String, List<Object>> values = CustomerType.INSTANCE.index(existing);
          lifecycle.check(existing.stage(), data.stage(), "sync", f -> values.getOrDefault(f, List.of()));
        } catch (ValidationException e) {
          v.addAll("", e);
        }
      }
      stage = data.stage();
    }
    if (existing == null || !stage.equals(existing.stage())) {
      Map<String, Instant> m = new TreeMap<>(entered);
      m.put(stage, now);
      entered = m;
    }
    Map<String, String> custom = settings.customFields(actor.tenant())
        .apply(existing == null ? Map.of() : existing.customFields(), data.customFields(), v);
    Map<String, Consent> consents = mergeConsents(existing == null ? Map.of() : existing.consents(), data.consents(),
        now, actor);
    v.throwIfAny();
    return new Customer(id, actor.tenant(), data.kind(), Objects.requireNonNull(name), emails, phones, addresses,
        persons, tags, stage, entered, data.grade(), data.owner(), data.team(), data.department(), data.region(),
        credit, data.externalRefs(), custom, consents,
        existing == null ? 0 : existing.version(),
        existing == null ? now : existing.createdAt(), existing == null ? actor.userId() : existing.createdBy(),
        existing == null ? now : existing.updatedAt(), existing == null ? actor.userId() : existing.updatedBy(),
        existing == null ? null : existing.deletedAt(), existing == null ? null : existing.deletedBy());
  }

  private Customer patched(Actor actor, Customer cur, CustomerPatch p) {
    Violations v = new Violations();
    Customer.Builder b = cur.edit();
    String region = p.phoneRegion();
    if (p.name() != null || p.localizedNames() != null) {
      String def = p.name() != null ? p.name() : cur.name().defaultValue();
      Map<String, String> variants = p.localizedNames() != null ? p.localizedNames() : cur.name().variants();
      LocalizedText name = v.capture("name", () -> new LocalizedText(def, variants));
      if (name != null) {
        b.name = name;
      }
    }
    if (p.emails() != null) {
      b.emails = parseEmails(p.emails(), "emails", v);
    }
    if (p.phones() != null) {
      b.phones = parsePhones(p.phones(), region, "phones", v);
    }
    if (p.addresses() != null) {
      b.addresses = parseAddresses(p.addresses(), "addresses", v);
    }
    if (p.contactPersons() != null) {
      b.contactPersons = parsePersons(cur.kind(), p.contactPersons(), region, v);
    }
    if (p.grade() != null) {
      b.grade = p.grade();
    }
    if (p.team() != null) {
      b.team = p.team();
    }
    if (p.department() != null) {
      b.department = p.department();
    }
    if (p.region() != null) {
      b.region = p.region();
    }
    Map<String, String> custom = new LinkedHashMap<>(cur.customFields());
    for (String c : p.clear()) {
      switch (c) {
        case "grade" -> b.grade = null;
        case "team" -> b.team = null;
        case "department" -> b.department = null;
        case "region" -> b.region = null;
        default -> {
          if (c.startsWith("customFields.") && custom.remove(c.substring("customFields.".length())) != null) {
            break;
          }
          if (!c.startsWith("customFields.")) {
            v.add("clear", "patch.clear", "cannot clear '" + c + "'; clearable: grade, team, department, region, customFields.<name>");
          }
        }
      }
    }
    b.customFields = settings.customFields(actor.tenant()).apply(custom, p.customFields(), v);
    b.consents = mergeConsents(cur.consents(), p.consents(), pipeline.clock().instant(), actor);
    v.throwIfAny();
    return b.build();
  }

  private static List<EmailAddress> parseEmails(List<String> raw, String path, Violations v) {
    List<EmailAddress> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      EmailAddress e = v.capture(path + "[" + i + "]", () -> EmailAddress.of(s));
      if (e != null) {
        if (seen.add(e.normalized())) {
          out.add(e);
        } else {
          v.add(path + "[" + i + "]", "email.duplicate", "this email address is listed twice");
        }
      }
    }
    return out;
  }

  private static List<PhoneNumber> parsePhones(List<String> raw, @Nullable String region, String path, Violations v) {
    List<PhoneNumber> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      PhoneNumber p = v.capture(path + "[" + i + "]", () -> PhoneNumber.parse(s, region));
      if (p != null) {
        if (out.contains(p)) {
          v.add(path + "[" + i + "]", "phone.duplicate", "this phone number is listed twice");
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static List<PostalAddress> parseAddresses(List<AddressInput> raw, String path, Violations v) {
    List<PostalAddress> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      AddressInput a = raw.get(i);
      PostalAddress p = v.capture(path + "[" + i + "]",
          () -> new PostalAddress(a.country(), a.region(), a.city(), a.district(), a.streetLines(), a.postalCode()));
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private static List<ContactPerson> parsePersons(CustomerKind kind, List<ContactPersonInput> raw,
                                                  @Nullable String region, Violations v) {
    if (raw.isEmpty()) {
      return List.of();
    }
    if (kind != CustomerKind.ORGANIZATION) {
      v.add("contactPersons", "contactPersons.organizationOnly", "only organizations have contact persons");
      return List.of();
    }
    List<ContactPerson> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      ContactPersonInput in = raw.get(i);
      String path = "contactPersons[" + i + "]";
      LocalizedText name = v.capture(path + ".name", () -> new LocalizedText(in.name(), in.localizedNames()));
      List<EmailAddress> emails = parseEmails(in.emails(), path + ".emails", v);
      List<PhoneNumber> phones = parsePhones(in.phones(), region, path + ".phones", v);
      if (name != null) {
        out.add(new ContactPerson(name, in.role(), emails, phones));
      }
    }
    return out;
  }

  private static List<TagPath> parseTags(List<String> raw) {
    Violations v = new Violations();
    List<TagPath> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = raw.get(i);
      TagPath t = v.capture("tags[" + i + "]", () -> new TagPath(s));
      if (t != null) {
        out.add(t);
      }
    }
    v.throwIfAny();
    return out;
  }

  private static Map<String, Consent> mergeConsents(Map<String, Consent> existing, Map<String, Boolean> given,
                                                    Instant now, Actor actor) {
    Map<String, Consent> out = new TreeMap<>(existing);
    given.forEach((purpose, granted) -> {
      Consent old = out.get(purpose);
      if (old == null || old.granted() != granted) {
        out.put(purpose, new Consent(granted, now, actor.userId()));
      }
    });
    return out;
  }

  /** Equal but for the bookkeeping the command path stamps (version, updated at/by). */
  private static boolean sameContent(Customer a, Customer b) {
    return CustomerType.INSTANCE.stamped(a, 1, Instant.EPOCH, "-")
        .equals(CustomerType.INSTANCE.stamped(b, 1, Instant.EPOCH, "-"));
  }

  private static DomainEvent event(String type, Customer c) {
    ObjectNode data = Json.object();
    data.put("kind", c.kind().name()).put("name", c.name().defaultValue()).put("stage", c.stage());
    if (!c.externalRefs().isEmpty()) {
      data.set("externalRefs", Json.toTree(c.externalRefs()));
    }
    return new DomainEvent(type, data);
  }

  /** An update event naming the top-level fields that changed (values stay in the audit trail, not in events). */
  private static DomainEvent changedEvent(String type, Customer before, Customer after) {
    ObjectNode b = Json.toTree(before);
    ObjectNode a = Json.toTree(after);
    Set<String> names = new java.util.TreeSet<>();
    b.fieldNames().forEachRemaining(names::add);
    a.fieldNames().forEachRemaining(names::add);
    ArrayNode changed = Json.MAPPER.createArrayNode();
    for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
      String n = it.next();
      if (!Objects.equals(b.get(n), a.get(n)) && !Set.of("version", "updatedAt", "updatedBy").contains(n)) {
        changed.add(n);
      }
    }
    ObjectNode data = Json.object();
    data.set("changed", changed);
    return new DomainEvent(type, data);
  }

  private static ObjectNode tagData(List<TagPath> tags) {
    ObjectNode data = Json.object();
    ArrayNode arr = data.putArray("tags");
    tags.forEach(t -> arr.add(t.value()));
    return data;
  }
}
