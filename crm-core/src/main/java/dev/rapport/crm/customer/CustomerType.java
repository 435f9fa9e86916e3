package dev.rapport.crm.customer;

import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.internal.command.JsonAggregateType;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.tag.TagPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How customers are stored: the JSON body is the record itself; the index values are derived from it. */
final class CustomerType extends JsonAggregateType<Customer> {
  static final CustomerType INSTANCE = new CustomerType();

  private CustomerType() {
    super("customer", CustomerFields.SPEC, Customer.class);
  }

  @Override
  public String id(Customer c) {
    return c.id();
  }

  @Override
  public long version(Customer c) {
    return c.version();
  }

  @Override
  public Customer stamped(Customer c, long version, Instant at, String by) {
    Customer.Builder b = c.edit();
    b.version = version;
    b.updatedAt = at;
    b.updatedBy = by;
    return b.build();
  }

  @Override
  public Map<String, List<Object>> index(Customer c) {
    String name = c.name().defaultValue();
    return Document.indexValues()
        .put(CustomerFields.KIND, c.kind().name())
        .put(CustomerFields.NAME, name.length() > IndexSpec.MAX_STRING_LENGTH ? name.substring(0, IndexSpec.MAX_STRING_LENGTH) : name)
        .put(CustomerFields.STAGE, c.stage())
        .put(CustomerFields.GRADE, c.grade())
        .put(CustomerFields.OWNER, c.owner())
        .put(CustomerFields.TEAM, c.team())
        .put(CustomerFields.DEPARTMENT, c.department())
        .put(CustomerFields.REGION, c.region())
        .putAll(CustomerFields.TAGS, c.tags().stream().map(TagPath::value).toList())
        .putAll(CustomerFields.EMAILS, c.emails().stream().map(EmailAddress::normalized).toList())
        .putAll(CustomerFields.PHONES, c.phones().stream().map(PhoneNumber::e164).toList())
        .putAll(CustomerFields.COUNTRIES, c.addresses().stream().map(PostalAddress::country).toList())
        .putAll(CustomerFields.CITIES, c.addresses().stream().map(PostalAddress::city).filter(java.util.Objects::nonNull)
            .map(s -> s.length() > IndexSpec.MAX_STRING_LENGTH ? s.substring(0, IndexSpec.MAX_STRING_LENGTH) : s).toList())
        .putAll(CustomerFields.EXTERNAL_REFS, c.externalRefs().entrySet().stream()
            .map(e -> CustomerFields.externalRef(e.getKey(), e.getValue())).toList())
        .put(CustomerFields.CREDIT_LIMIT, c.creditLimit() == null ? null : c.creditLimit().amount())
        .put(CustomerFields.CURRENCY, c.creditLimit() == null ? null : c.creditLimit().currency().getCurrencyCode())
        .put(CustomerFields.CREATED_AT, c.createdAt())
        .put(CustomerFields.UPDATED_AT, c.updatedAt())
        .put(CustomerFields.STAGE_CHANGED_AT, c.stageEnteredAt().get(c.stage()))
        .put(CustomerFields.DELETED, c.isDeleted())
        .build();
  }
}
