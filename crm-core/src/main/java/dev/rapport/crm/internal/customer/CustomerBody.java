package dev.rapport.crm.internal.customer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.customer.Consent;
import dev.rapport.crm.customer.ContactPerson;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.internal.InstantText;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A customer's stored JSON, built directly as a tree: the same tree {@code Json.toTree(customer)} gives (same fields,
 * order, node types and text), without Jackson serialising to a token buffer and reading that back. Every customer
 * write goes through it, so its cost is the command path's. {@code CustomerBodyTest} compares the two on generated
 * customers with every optional part set and unset; a field added to {@link Customer} or its values fails there.
 *
 * <p>{@link #read} is the way back for the form this class writes (and what masking leaves of it), read straight
 * off the tree instead of through Jackson's token stream and creator buffers; every read and every page of
 * customers goes through it. Anything else (a node of another type, a missing list, an instant in another form) is
 * left to Jackson, which accepts or refuses it exactly as before. {@code CustomerBodyTest} checks that both give
 * the same customer, masked or not.
 */
final class CustomerBody {
  private CustomerBody() {}

  static ObjectNode of(Customer c) {
    Instants instants = new Instants();
    // room for its 28 fields at once (a default map grows twice on the way)
    ObjectNode o = new ObjectNode(Json.MAPPER.getNodeFactory(), new LinkedHashMap<>(48));
    o.put("id", c.id());
    o.put("tenant", c.tenant().value());
    o.put("kind", c.kind().name());
    o.set("name", text(c.name()));
    o.set("emails", emails(o, c.emails()));
    o.set("phones", phones(o, c.phones()));
    ArrayNode addresses = o.arrayNode(c.addresses().size());
    for (PostalAddress a : c.addresses()) {
      ObjectNode n = addresses.addObject();
      n.put("country", a.country());
      putIfPresent(n, "region", a.region());
      putIfPresent(n, "city", a.city());
      putIfPresent(n, "district", a.district());
      ArrayNode lines = n.putArray("streetLines");
      a.streetLines().forEach(lines::add);
      putIfPresent(n, "postalCode", a.postalCode());
    }
    o.set("addresses", addresses);
    ArrayNode persons = o.arrayNode(c.contactPersons().size());
    for (ContactPerson p : c.contactPersons()) {
      ObjectNode n = persons.addObject();
      n.set("name", text(p.name()));
      putIfPresent(n, "role", p.role());
      n.set("emails", emails(n, p.emails()));
      n.set("phones", phones(n, p.phones()));
    }
    o.set("contactPersons", persons);
    ArrayNode tags = o.arrayNode(c.tags().size());
    for (TagPath t : c.tags()) {
      tags.add(t.value());
    }
    o.set("tags", tags);
    o.put("stage", c.stage());
    ObjectNode entered = o.putObject("stageEnteredAt");
    c.stageEnteredAt().forEach((stage, at) -> entered.put(stage, instants.text(at)));
    putIfPresent(o, "grade", c.grade());
    putIfPresent(o, "owner", c.owner());
    putIfPresent(o, "team", c.team());
    putIfPresent(o, "department", c.department());
    putIfPresent(o, "region", c.region());
    Money credit = c.creditLimit();
    if (credit != null) {
      // Money's amount is written as a string (@JsonFormat STRING): BigDecimal.toString, as Jackson does
      o.putObject("creditLimit").put("amount", credit.amount().toString())
          .put("currency", credit.currency().getCurrencyCode());
    }
    ObjectNode refs = o.putObject("externalRefs");
    c.externalRefs().forEach(refs::put);
    ObjectNode custom = o.putObject("customFields");
    c.customFields().forEach(custom::put);
    ObjectNode consents = o.putObject("consents");
    for (Map.Entry<String, Consent> e : c.consents().entrySet()) {
      Consent consent = e.getValue();
      consents.putObject(e.getKey()).put("granted", consent.granted()).put("at", instants.text(consent.at()))
          .put("source", consent.source());
    }
    o.put("version", c.version());
    o.put("createdAt", instants.text(c.createdAt()));
    o.put("createdBy", c.createdBy());
    o.put("updatedAt", instants.text(c.updatedAt()));
    o.put("updatedBy", c.updatedBy());
    if (c.deletedAt() != null) {
      o.put("deletedAt", instants.text(c.deletedAt()));
    }
    putIfPresent(o, "deletedBy", c.deletedBy());
    o.put("deleted", c.isDeleted());
    return o;
  }

  /**
   * The customer {@code o} holds, when it is in the form {@link #of} writes (masked or not), else null: the caller
   * then reads it with Jackson. Values are constructed as given; on a stored read their checks are skipped
   * ({@code StoredRead}).
   */
  static @Nullable Customer read(ObjectNode o) {
    try {
      return readOrThrow(o);
    } catch (RuntimeException notThisFormOrRefused) {
      return null; // Jackson reads it, or refuses it with its own message
    }
  }

  /** The customer {@code o} holds; {@link NotThisForm} (or the refusal of a value type) when not this form. */
  private static Customer readOrThrow(ObjectNode o) {
    String id = text(o, "id");
    String tenant = text(o, "tenant");
    String kind = text(o, "kind");
    String stage = text(o, "stage");
    JsonNode version = o.get("version");
    String createdBy = text(o, "createdBy");
    String updatedBy = text(o, "updatedBy");
    if (id == null || tenant == null || kind == null || stage == null || version == null
        || !version.isIntegralNumber() || !version.canConvertToLong() || createdBy == null || updatedBy == null) {
      throw new NotThisForm();
    }
    CustomerKind customerKind = CustomerKind.valueOf(kind);
    List<PostalAddress> addresses = new ArrayList<>();
    for (JsonNode n : array(o, "addresses")) {
      ObjectNode a = object(n);
      String country = text(a, "country");
      if (country == null) {
        throw new NotThisForm();
      }
      addresses.add(new PostalAddress(country, text(a, "region"), text(a, "city"), text(a, "district"),
          texts(array(a, "streetLines")), text(a, "postalCode")));
    }
    List<ContactPerson> persons = new ArrayList<>();
    for (JsonNode n : array(o, "contactPersons")) {
      ObjectNode p = object(n);
      persons.add(new ContactPerson(localized(p.get("name")), text(p, "role"), emails(array(p, "emails")),
          phones(array(p, "phones"))));
    }
    List<TagPath> tags = new ArrayList<>();
    for (String t : texts(array(o, "tags"))) {
      tags.add(TagPath.of(t));
    }
    Map<String, Instant> entered = new LinkedHashMap<>();
    object(o.get("stageEnteredAt")).fields().forEachRemaining(e -> entered.put(e.getKey(), instant(e.getValue())));
    Money credit = null;
    JsonNode creditNode = o.get("creditLimit");
    if (creditNode != null && !creditNode.isNull()) {
      ObjectNode m = object(creditNode);
      String amount = text(m, "amount");
      String currency = text(m, "currency");
      if (amount == null || currency == null) {
        throw new NotThisForm();
      }
      credit = new Money(new BigDecimal(amount), Currency.getInstance(currency));
    }
    Map<String, Consent> consents = new LinkedHashMap<>();
    object(o.get("consents")).fields().forEachRemaining(e -> {
      ObjectNode c = object(e.getValue());
      JsonNode granted = c.get("granted");
      String source = text(c, "source");
      if (granted == null || !granted.isBoolean() || source == null) {
        throw new NotThisForm();
      }
      consents.put(e.getKey(), new Consent(granted.booleanValue(), instant(c.get("at")), source));
    });
    JsonNode deletedAt = o.get("deletedAt");
    return new Customer(id, TenantId.of(tenant), customerKind, localized(o.get("name")), emails(array(o, "emails")),
        phones(array(o, "phones")), addresses, persons, tags, stage, entered, text(o, "grade"), text(o, "owner"),
        text(o, "team"), text(o, "department"), text(o, "region"), credit, textMap(o.get("externalRefs")),
        textMap(o.get("customFields")), consents, version.longValue(), instant(o.get("createdAt")), createdBy,
        instant(o.get("updatedAt")), updatedBy, deletedAt == null || deletedAt.isNull() ? null : instant(deletedAt),
        text(o, "deletedBy"));
  }

  /** Thrown inside {@link #read}: not the form it reads (Jackson reads it instead); without a stack trace. */
  private static final class NotThisForm extends RuntimeException {
    NotThisForm() {
      super(null, null, false, false);
    }
  }

  /** The text of an optional field: null when absent or null; not this form when it is not text. */
  private static @Nullable String text(ObjectNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new NotThisForm();
    }
    return n.textValue();
  }

  private static ObjectNode object(@Nullable JsonNode n) {
    if (n instanceof ObjectNode o) {
      return o;
    }
    throw new NotThisForm();
  }

  private static ArrayNode array(ObjectNode o, String field) {
    if (o.get(field) instanceof ArrayNode a) {
      return a;
    }
    throw new NotThisForm();
  }

  private static List<String> texts(ArrayNode a) {
    List<String> out = new ArrayList<>(a.size());
    for (JsonNode n : a) {
      if (!n.isTextual()) {
        throw new NotThisForm();
      }
      out.add(n.textValue());
    }
    return out;
  }

  private static Map<String, String> textMap(@Nullable JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    object(n).fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw new NotThisForm();
      }
      out.put(e.getKey(), e.getValue().textValue());
    });
    return out;
  }

  private static Instant instant(@Nullable JsonNode n) {
    Instant at = n != null && n.isTextual() ? InstantText.parse(n.textValue()) : null;
    if (at == null) {
      throw new NotThisForm();
    }
    return at;
  }

  private static LocalizedText localized(@Nullable JsonNode n) {
    ObjectNode o = object(n);
    String value = text(o, "default");
    JsonNode variants = o.get("variants");
    if (value == null) {
      throw new NotThisForm();
    }
    return new LocalizedText(value, variants == null || variants.isNull() ? Map.of() : textMap(variants));
  }

  private static List<EmailAddress> emails(ArrayNode a) {
    List<EmailAddress> out = new ArrayList<>(a.size());
    for (JsonNode n : a) {
      if (n.isTextual()) {
        out.add(EmailAddress.of(n.textValue()));
      } else if (n instanceof ObjectNode masked && masked.has("masked")) {
        out.add(EmailAddress.masked(masked.get("masked").asText())); // as its JSON creator reads it
      } else {
        throw new NotThisForm();
      }
    }
    return out;
  }

  private static List<PhoneNumber> phones(ArrayNode a) {
    List<PhoneNumber> out = new ArrayList<>(a.size());
    for (String p : texts(a)) {
      out.add(PhoneNumber.of(p));
    }
    return out;
  }

  private static ObjectNode text(LocalizedText t) {
    ObjectNode n = Json.object().put("default", t.defaultValue());
    ObjectNode variants = n.putObject("variants");
    t.variants().forEach(variants::put);
    return n;
  }

  private static ArrayNode emails(ObjectNode owner, List<EmailAddress> emails) {
    ArrayNode a = owner.arrayNode(emails.size());
    for (EmailAddress e : emails) {
      if (e.isMasked()) {
        a.addObject().put("masked", e.value());
      } else {
        a.add(e.value());
      }
    }
    return a;
  }

  private static ArrayNode phones(ObjectNode owner, List<PhoneNumber> phones) {
    ArrayNode a = owner.arrayNode(phones.size());
    for (PhoneNumber p : phones) {
      a.add(p.e164());
    }
    return a;
  }

  private static void putIfPresent(ObjectNode n, String field, @Nullable String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  /** ISO-8601 text of instants; a command stamps one instant in several places, so the last one is kept. */
  private static final class Instants {
    private @Nullable Instant last;
    private @Nullable String text;

    String text(Instant at) {
      if (!at.equals(last)) {
        last = at;
        text = at.toString();
      }
      return text;
    }
  }
}
