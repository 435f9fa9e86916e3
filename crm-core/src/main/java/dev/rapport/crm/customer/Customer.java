package dev.rapport.crm.customer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.command.Changed;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.Violations;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The customer aggregate: a person or an organization, its names in several languages, contact points, contact
 * persons, hierarchical tags, lifecycle stage, ownership, credit limit, external references (the keys of idempotent
 * ERP sync), typed custom fields, consents, and its bookkeeping (version, created/updated, soft delete).
 *
 * <p>Immutable. Its business methods ({@link #changeStage}, {@link #assignOwner}, {@link #changeCreditLimit}, ...)
 * are pure: each returns the next state and the events the change caused, or no change at all, and never touches
 * a store. {@link Customers} runs them through the command path (authorize, validate, gate, persist with audit
 * record and events in one commit, publish); calling one directly changes nothing stored.
 *
 * @param stageEnteredAt when the customer last entered each stage it has been in
 * @param externalRefs ERP system name → the customer's id there; unique per tenant and system
 * @param customFields values in canonical text form, typed by the tenant's {@link CustomFieldSchema}
 */
public record Customer(
    String id,
    TenantId tenant,
    CustomerKind kind,
    LocalizedText name,
    List<EmailAddress> emails,
    List<PhoneNumber> phones,
    List<PostalAddress> addresses,
    List<ContactPerson> contactPersons,
    List<TagPath> tags,
    String stage,
    Map<String, Instant> stageEnteredAt,
    @Nullable String grade,
    @Nullable String owner,
    @Nullable String team,
    @Nullable String department,
    @Nullable String region,
    @Nullable Money creditLimit,
    Map<String, String> externalRefs,
    Map<String, String> customFields,
    Map<String, Consent> consents,
    long version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy,
    @Nullable Instant deletedAt,
    @Nullable String deletedBy) {

  public Customer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(updatedBy, "updatedBy");
    emails = List.copyOf(emails);
    phones = List.copyOf(phones);
    addresses = List.copyOf(addresses);
    contactPersons = List.copyOf(contactPersons);
    tags = tags.size() < 2 ? Collections.unmodifiableList(new ArrayList<>(tags))
        : tags.stream().distinct().sorted(Comparator.comparing(TagPath::value)).toList();
    stageEnteredAt = Map.copyOf(stageEnteredAt);
    externalRefs = Map.copyOf(externalRefs);
    customFields = Map.copyOf(customFields);
    consents = Map.copyOf(consents);
  }

  public boolean isDeleted() {
    return deletedAt != null;
  }

  public Optional<EmailAddress> primaryEmail() {
    return emails.stream().findFirst();
  }

  public Optional<PhoneNumber> primaryPhone() {
    return phones.stream().findFirst();
  }

  public Optional<String> externalRef(String system) {
    return Optional.ofNullable(externalRefs.get(system));
  }

  public boolean hasTagWithin(TagPath ancestor) {
    return tags.stream().anyMatch(t -> t.isWithin(ancestor));
  }

  // ---------------------------------------------------------------- business methods

  /** A new customer from {@code data}; every violation at once. */
  public static Changed<Customer> create(String id, TenantId tenant, CustomerData data, CustomerRules rules,
                                         Instant now, String by) {
    Customer created = CustomerInputs.materialize(id, tenant, data, null, rules, now, by);
    return Changed.of(created, CustomerEvents.created(created));
  }

  /**
   * This customer described by {@code data} (an ERP sync): the same content again is no change at all (no new
   * version, no event).
   */
  public Changed<Customer> sync(CustomerData data, CustomerRules rules, Instant now, String by) {
    Customer next = CustomerInputs.materialize(id, tenant, data, this, rules, now, by);
    return sameContent(next) ? Changed.none(this) : Changed.of(next, CustomerEvents.updated(this, next));
  }

  /** This customer with a partial update applied; see {@link CustomerPatch}. */
  public Changed<Customer> update(CustomerPatch patch, CustomerRules rules, Instant now, String by) {
    Customer next = CustomerInputs.patched(this, patch, rules, now, by);
    return sameContent(next) ? Changed.none(this) : Changed.of(next, CustomerEvents.updated(this, next));
  }

  /** Moves to {@code next}, if {@code lifecycle} allows the move from the current stage and its guard holds. */
  public Changed<Customer> changeStage(String next, @Nullable String reason, Lifecycle lifecycle, Instant now) {
    Map<String, List<Object>> values = CustomerFields.indexValues(this);
    lifecycle.check(stage, next, reason, f -> values.getOrDefault(f, List.of()));
    ObjectNode data = CustomerEvents.data().put("from", stage).put("to", next);
    if (reason != null) {
      data.put("reason", reason);
    }
    return Changed.of(edit().enterStage(next, now).build(), new DomainEvent("customer.stage-changed", data));
  }

  /** Adds tags; tags already present are ignored, and adding nothing new is no change. */
  public Changed<Customer> tag(List<String> paths) {
    Violations v = new Violations();
    List<TagPath> add = CustomerInputs.tags(paths, v);
    v.throwIfAny();
    Set<TagPath> all = new LinkedHashSet<>(tags);
    List<TagPath> added = add.stream().filter(all::add).distinct().toList();
    if (added.isEmpty()) {
      return Changed.none(this);
    }
    Builder b = edit();
    b.tags = List.copyOf(all);
    return Changed.of(b.build(), new DomainEvent("customer.tagged", CustomerEvents.tags(added)));
  }

  /** Removes exactly these tags (not their subtrees); removing absent tags is no change. */
  public Changed<Customer> untag(List<String> paths) {
    Violations v = new Violations();
    List<TagPath> remove = CustomerInputs.tags(paths, v);
    v.throwIfAny();
    List<TagPath> removed = tags.stream().filter(remove::contains).toList();
    if (removed.isEmpty()) {
      return Changed.none(this);
    }
    Builder b = edit();
    b.tags = tags.stream().filter(t -> !remove.contains(t)).toList();
    return Changed.of(b.build(), new DomainEvent("customer.untagged", CustomerEvents.tags(removed)));
  }

  /** Makes {@code user} the owner. */
  public Changed<Customer> assignOwner(String user) {
    if (user.equals(owner)) {
      return Changed.none(this);
    }
    Builder b = edit();
    b.owner = user;
    ObjectNode data = CustomerEvents.data().put("to", user);
    if (owner != null) {
      data.put("from", owner);
    }
    return Changed.of(b.build(), new DomainEvent("customer.owner-assigned", data));
  }

  /** Sets the credit limit, which must not be negative. */
  public Changed<Customer> changeCreditLimit(Money limit, String reason) {
    if (limit.amount().signum() < 0) {
      throw ValidationException.of("creditLimit", "creditLimit.negative", "a credit limit cannot be negative");
    }
    if (limit.equals(creditLimit)) {
      return Changed.none(this);
    }
    Builder b = edit();
    b.creditLimit = limit;
    ObjectNode data = CustomerEvents.data();
    if (creditLimit != null) {
      data.set("from", CustomerEvents.money(creditLimit));
    }
    data.set("to", CustomerEvents.money(limit));
    data.put("reason", reason);
    return Changed.of(b.build(), new DomainEvent("customer.credit-limit-changed", data));
  }

  /** Soft-deletes: the customer leaves queries but stays restorable. Deleting a deleted customer is no change. */
  public Changed<Customer> delete(String reason, Instant now, String by) {
    if (isDeleted()) {
      return Changed.none(this);
    }
    Builder b = edit();
    b.deletedAt = now;
    b.deletedBy = by;
    return Changed.of(b.build(), new DomainEvent("customer.deleted", CustomerEvents.data().put("reason", reason)));
  }

  /** Undoes a soft delete; restoring a customer that is not deleted is no change. */
  public Changed<Customer> restore() {
    if (!isDeleted()) {
      return Changed.none(this);
    }
    Builder b = edit();
    b.deletedAt = null;
    b.deletedBy = null;
    return Changed.of(b.build(), new DomainEvent("customer.restored", CustomerEvents.data()));
  }

  /**
   * This customer with the content of {@code earlier} (an earlier version of it): identity, creation, deletion and
   * the bookkeeping stay this customer's; the same content is no change.
   */
  public Changed<Customer> revertTo(Customer earlier) {
    // a state handed in is checked as input would be: its e-mails, phones, tags and name parsed again
    Violations v = new Violations();
    CustomerInputs.emails(earlier.emails.stream().map(EmailAddress::value).toList(), "state.emails", v);
    CustomerInputs.phones(earlier.phones.stream().map(PhoneNumber::e164).toList(), null, "state.phones", v);
    CustomerInputs.tags(earlier.tags.stream().map(TagPath::value).toList(), v);
    v.capture("state.name", () -> new LocalizedText(earlier.name.defaultValue(), earlier.name.variants()));
    if (earlier.emails.stream().anyMatch(EmailAddress::isMasked)) {
      v.add("state.emails", "revert.masked", "a masked e-mail address cannot be written back");
    }
    v.throwIfAny();
    Builder b = earlier.edit();
    b.id = id;
    b.tenant = tenant;
    b.version = version;
    b.createdAt = createdAt;
    b.createdBy = createdBy;
    b.updatedAt = updatedAt;
    b.updatedBy = updatedBy;
    b.deletedAt = deletedAt;
    b.deletedBy = deletedBy;
    Customer next = b.build();
    return sameContent(next) ? Changed.none(this) : Changed.of(next, CustomerEvents.updated(this, next));
  }

  /** Equal but for the bookkeeping the command path stamps (version, updated at/by). */
  private boolean sameContent(Customer other) {
    return unstamped(this).equals(unstamped(other));
  }

  private static Customer unstamped(Customer c) {
    Builder b = c.edit();
    b.version = 0;
    b.updatedAt = Instant.EPOCH;
    b.updatedBy = "-";
    return b.build();
  }

  Builder edit() {
    return new Builder(this);
  }

  /** Copies a customer with some fields changed; used by the business methods and the services. */
  static final class Builder {
    String id;
    TenantId tenant;
    CustomerKind kind;
    LocalizedText name;
    List<EmailAddress> emails;
    List<PhoneNumber> phones;
    List<PostalAddress> addresses;
    List<ContactPerson> contactPersons;
    List<TagPath> tags;
    String stage;
    Map<String, Instant> stageEnteredAt;
    @Nullable String grade;
    @Nullable String owner;
    @Nullable String team;
    @Nullable String department;
    @Nullable String region;
    @Nullable Money creditLimit;
    Map<String, String> externalRefs;
    Map<String, String> customFields;
    Map<String, Consent> consents;
    long version;
    Instant createdAt;
    String createdBy;
    Instant updatedAt;
    String updatedBy;
    @Nullable Instant deletedAt;
    @Nullable String deletedBy;

    Builder(Customer c) {
      id = c.id;
      tenant = c.tenant;
      kind = c.kind;
      name = c.name;
      emails = c.emails;
      phones = c.phones;
      addresses = c.addresses;
      contactPersons = c.contactPersons;
      tags = c.tags;
      stage = c.stage;
      stageEnteredAt = c.stageEnteredAt;
      grade = c.grade;
      owner = c.owner;
      team = c.team;
      department = c.department;
      region = c.region;
      creditLimit = c.creditLimit;
      externalRefs = c.externalRefs;
      customFields = c.customFields;
      consents = c.consents;
      version = c.version;
      createdAt = c.createdAt;
      createdBy = c.createdBy;
      updatedAt = c.updatedAt;
      updatedBy = c.updatedBy;
      deletedAt = c.deletedAt;
      deletedBy = c.deletedBy;
    }

    Builder enterStage(String next, Instant at) {
      stage = next;
      Map<String, Instant> entered = new TreeMap<>(stageEnteredAt);
      entered.put(next, at);
      stageEnteredAt = entered;
      return this;
    }

    Customer build() {
      return new Customer(id, tenant, kind, name, emails, phones, addresses, contactPersons, tags, stage,
          stageEnteredAt, grade, owner, team, department, region, creditLimit, externalRefs, customFields, consents,
          version, createdAt, createdBy, updatedAt, updatedBy, deletedAt, deletedBy);
    }
  }
}
