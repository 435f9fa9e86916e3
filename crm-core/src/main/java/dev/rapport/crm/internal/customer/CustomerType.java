package dev.rapport.crm.internal.customer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerSettings;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.internal.command.CriteriaText;
import dev.rapport.crm.internal.command.JsonAggregateType;
import dev.rapport.crm.query.Criteria;
import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How customers are stored: the JSON body is the record itself; the index values are derived from it. */
public final class CustomerType extends JsonAggregateType<Customer> {
  /** Customers without indexed custom fields: for reading and for loading a related customer. */
  public static final CustomerType INSTANCE = new CustomerType(null);

  private final @Nullable CustomerSettings settings;

  /** {@code settings}: where the tenants' indexed custom fields come from (null: none). */
  public CustomerType(@Nullable CustomerSettings settings) {
    super(CustomerFields.TYPE, Customer.class);
    this.settings = settings;
  }

  @Override
  public String deletedField() {
    return CustomerFields.DELETED;
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
    return new Customer(c.id(), c.tenant(), c.kind(), c.name(), c.emails(), c.phones(), c.addresses(),
        c.contactPersons(), c.tags(), c.stage(), c.stageEnteredAt(), c.grade(), c.owner(), c.team(), c.department(),
        c.region(), c.creditLimit(), c.externalRefs(), c.customFields(), c.consents(), version, c.createdAt(),
        c.createdBy(), at, by, c.deletedAt(), c.deletedBy());
  }

  /**
   * Names and cities are kept in NFC, tags in NFC lower case, e-mails in their index form ({@link
   * EmailAddress#normalized()}: the Unicode and ASCII forms of a domain are one): criteria values are brought to the
   * same form. An e-mail value that is no whole address (a prefix) is left as given.
   */
  @Override
  public Criteria canonical(Criteria criteria) {
    return CriteriaText.map(criteria, (field, value) -> switch (field) {
      case CustomerFields.NAME, CustomerFields.CITIES -> Normalizer.normalize(value, Normalizer.Form.NFC);
      case CustomerFields.TAGS -> Normalizer.normalize(value, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
      case CustomerFields.EMAILS -> emailIndexForm(value);
      default -> value;
    });
  }

  private static String emailIndexForm(String value) {
    try {
      return EmailAddress.of(value).normalized();
    } catch (ValidationException notAnAddress) {
      return value;
    }
  }

  @Override
  public ObjectNode body(Customer c) {
    return CustomerBody.of(c);
  }

  @Override
  protected @Nullable Customer read(ObjectNode body) {
    return CustomerBody.read(body);
  }

  @Override
  public Map<String, List<Object>> index(Customer c) {
    Map<String, List<Object>> values = CustomerFields.indexValues(c);
    if (settings == null || c.customFields().isEmpty()) {
      return values;
    }
    Map<String, Object> custom = settings.customIndexValues(c);
    if (custom.isEmpty()) {
      return values;
    }
    Map<String, List<Object>> all = new java.util.LinkedHashMap<>(values);
    custom.forEach((field, value) -> all.put(field, List.of(value)));
    return all;
  }
}
