package dev.rapport.crm.customer;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.lifecycle.Lifecycle;
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

  /** The rules of one tenant. */
  public CustomerRules rules(TenantId tenant) {
    return new CustomerRules(lifecycle(tenant), customFields(tenant));
  }
}
