package dev.rapport.crm.internal.customer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.customer.Consent;
import dev.rapport.crm.customer.ContactPerson;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A customer's stored JSON, built directly as a tree: the same tree {@code Json.toTree(customer)} gives (same fields,
 * order, node types and text), without Jackson serialising to a token buffer and reading that back. Every customer
 * write goes through it, so its cost is the command path's. {@code CustomerBodyTest} compares the two on generated
 * customers with every optional part set and unset; a field added to {@link Customer} or its values fails there.
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
