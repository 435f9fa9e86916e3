package dev.rapport.crm.error;

import java.util.Objects;

/** A unique field already holds this value in the tenant. Names the collection and the field, whatever the store. */
public final class DuplicateKeyException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final String collection;
  private final String field;

  public DuplicateKeyException(String collection, String field, String message) {
    super(message);
    this.collection = Objects.requireNonNull(collection, "collection");
    this.field = Objects.requireNonNull(field, "field");
  }

  public DuplicateKeyException(String collection, String field) {
    this(collection, field, "duplicate value for unique field '" + field + "' in collection '" + collection + "'");
  }

  public String collection() {
    return collection;
  }

  /** The unique index (field) that was violated. */
  public String field() {
    return field;
  }

  @Override
  public String code() {
    return "DUPLICATE_KEY";
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
