package dev.rapport.crm.customer;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The customer aggregate: a person or an organization, its names in several languages, contact points, contact
 * persons, hierarchical tags, lifecycle stage, ownership, credit limit, external references (the keys of idempotent
 * ERP sync), typed custom fields, consents, and its bookkeeping (version, created/updated, soft delete).
 *
 * <p>Immutable. Changes go through {@link Customers} (the command path: authorize, validate, gate, apply, persist,
 * publish), which uses the package-private business methods of this class.
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
    tags = tags.stream().distinct().sorted(Comparator.comparing(TagPath::value)).toList();
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
