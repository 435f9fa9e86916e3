package dev.rapport.crm.access;

import dev.rapport.crm.store.CollectionSpec;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of record that access policies, audit and approvals talk about ({@code customer}, {@code interaction},
 * {@code case}, and whatever modules add): its name, the collection it is stored in (whose indexed fields are the
 * only ones a {@link DataFilter} residual may name), and its {@link FieldCatalog} (the fields field-level security
 * may name).
 */
public record ResourceType(String name, CollectionSpec collection, FieldCatalog fields) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,39}");

  public ResourceType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(fields, "fields");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("resource type names are 1-40 of a-z, 0-9, '_', '.', '-': " + name);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
