package dev.rapport.crm.customer;

import dev.rapport.crm.lifecycle.Lifecycle;
import java.util.Objects;

/** The rules a tenant's customers follow: its lifecycle and its custom-field schema. */
public record CustomerRules(Lifecycle lifecycle, CustomFieldSchema customFields) {
  public CustomerRules {
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(customFields, "customFields");
  }

  /** The standard lifecycle and no custom fields. */
  public static CustomerRules standard() {
    return new CustomerRules(Lifecycle.standard(), CustomFieldSchema.none());
  }
}
