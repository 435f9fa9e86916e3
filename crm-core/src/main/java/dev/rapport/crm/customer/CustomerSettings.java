package dev.rapport.crm.customer;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.store.IndexSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Per-tenant customer configuration: the lifecycle and the custom-field schema, with defaults for other tenants. */
public record CustomerSettings(Lifecycle defaultLifecycle, Map<TenantId, Lifecycle> lifecycles,
                               CustomFieldSchema defaultCustomFields, Map<TenantId, CustomFieldSchema> customFields) {
  public CustomerSettings {
    Objects.requireNonNull(defaultLifecycle, "defaultLifecycle");
    Objects.requireNonNull(defaultCustomFields, "defaultCustomFields");
    lifecycles = Map.copyOf(lifecycles);
    customFields = Map.copyOf(customFields);
  }

  public static CustomerSettings defaults() {
    return new CustomerSettings(Lifecycle.standard(), Map.of(), CustomFieldSchema.none(), Map.of());
  }

  public Lifecycle lifecycle(TenantId tenant) {
    return lifecycles.getOrDefault(tenant, defaultLifecycle);
  }

  public CustomFieldSchema customFields(TenantId tenant) {
    return customFields.getOrDefault(tenant, defaultCustomFields);
  }

  /**
   * The kernel fields of every custom field some schema indexes (the default's and each tenant's), by kernel name.
   * One name indexed with two types in two schemas is refused, naming the field.
   */
  public Map<String, IndexSpec> indexedCustomFields() {
    Map<String, IndexSpec> out = new java.util.TreeMap<>();
    List<CustomFieldSchema> all = new java.util.ArrayList<>();
    all.add(defaultCustomFields);
    all.addAll(customFields.values());
    for (CustomFieldSchema schema : all) {
      for (Map.Entry<String, IndexSpec> e : schema.indexedFields().entrySet()) {
        IndexSpec known = out.get(e.getValue().name());
        if (known != null && known.type() != e.getValue().type()) {
          throw ValidationException.of("customFields." + e.getKey(), "customField.index.conflict",
              "custom field '" + e.getKey() + "' is indexed as " + known.type() + " in one schema and as "
                  + e.getValue().type() + " in another; an indexed custom field has one type for every tenant");
        }
        if (known == null || known.maxLength() < e.getValue().maxLength()) {
          out.put(e.getValue().name(), e.getValue());
        }
      }
    }
    return out;
  }

  /** The index values of {@code c}'s custom fields that its tenant's schema indexes, by kernel field name. */
  public Map<String, Object> customIndexValues(Customer c) {
    CustomFieldSchema schema = customFields(c.tenant());
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    c.customFields().forEach((name, value) -> {
      CustomFieldSchema.Field f = schema.fields().get(name);
      if (f != null && f.indexed() && value != null) {
        out.put(CustomerFields.custom(name), CustomFieldSchema.indexValue(f, value));
      }
    });
    return out;
  }

  /** The rules of one tenant. */
  public CustomerRules rules(TenantId tenant) {
    return new CustomerRules(lifecycle(tenant), customFields(tenant));
  }
}
