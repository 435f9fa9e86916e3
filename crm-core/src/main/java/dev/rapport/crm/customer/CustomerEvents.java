package dev.rapport.crm.customer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.command.DomainEvent;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** The events customers' business methods cause; values stay in the audit trail, events name what changed. */
final class CustomerEvents {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The fields an update event may name, in their JSON names (bookkeeping is left out). */
  private static final Map<String, Function<Customer, ?>> FIELDS = Map.ofEntries(
      Map.entry("kind", Customer::kind), Map.entry("name", Customer::name), Map.entry("emails", Customer::emails),
      Map.entry("phones", Customer::phones), Map.entry("addresses", Customer::addresses),
      Map.entry("contactPersons", Customer::contactPersons), Map.entry("tags", Customer::tags),
      Map.entry("stage", Customer::stage), Map.entry("stageEnteredAt", Customer::stageEnteredAt),
      Map.entry("grade", Customer::grade), Map.entry("owner", Customer::owner), Map.entry("team", Customer::team),
      Map.entry("department", Customer::department), Map.entry("region", Customer::region),
      Map.entry("creditLimit", Customer::creditLimit), Map.entry("externalRefs", Customer::externalRefs),
      Map.entry("customFields", Customer::customFields), Map.entry("consents", Customer::consents),
      Map.entry("deletedAt", Customer::deletedAt), Map.entry("deletedBy", Customer::deletedBy),
      Map.entry("deleted", Customer::isDeleted));

  private CustomerEvents() {}

  static ObjectNode data() {
    return NODES.objectNode();
  }

  static ObjectNode money(Money m) {
    return data().put("amount", m.amount().toPlainString()).put("currency", m.currency().getCurrencyCode());
  }

  static DomainEvent created(Customer c) {
    ObjectNode data = data();
    data.put("kind", c.kind().name()).put("name", c.name().defaultValue()).put("stage", c.stage());
    if (!c.externalRefs().isEmpty()) {
      ObjectNode refs = data.putObject("externalRefs");
      c.externalRefs().forEach(refs::put);
    }
    return new DomainEvent("customer.created", data);
  }

  /** An update event naming the fields that changed, in name order. */
  static DomainEvent updated(Customer before, Customer after) {
    ArrayNode changed = NODES.arrayNode();
    FIELDS.keySet().stream().sorted()
        .filter(n -> !Objects.equals(FIELDS.get(n).apply(before), FIELDS.get(n).apply(after)))
        .forEach(changed::add);
    ObjectNode data = data();
    data.set("changed", changed);
    return new DomainEvent("customer.updated", data);
  }

  static ObjectNode tags(List<TagPath> tags) {
    ObjectNode data = data();
    ArrayNode arr = data.putArray("tags");
    tags.forEach(t -> arr.add(t.value()));
    return data;
  }
}
