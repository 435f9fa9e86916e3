package dev.rapport.crm.customer;

import static dev.rapport.crm.store.IndexSpec.multi;
import static dev.rapport.crm.store.IndexSpec.multiUnique;
import static dev.rapport.crm.store.IndexSpec.single;

import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexType;

/**
 * The queryable fields of customers: use these names in {@link dev.rapport.crm.query.Criteria} and
 * {@link dev.rapport.crm.query.Sort}. Multi-valued fields match when any value matches.
 */
public final class CustomerFields {
  private CustomerFields() {}

  public static final String COLLECTION = "customers";

  /** {@code PERSON} or {@code ORGANIZATION}. */
  public static final String KIND = "kind";
  /** The default name (first 255 characters): sort and prefix search. */
  public static final String NAME = "name";
  public static final String STAGE = "stage";
  public static final String GRADE = "grade";
  public static final String OWNER = "owner";
  public static final String TEAM = "team";
  public static final String DEPARTMENT = "department";
  public static final String REGION = "region";
  /** Multi-valued tag paths; use {@code Criteria.tagSubtree(TAGS, "segment/vip")} for a subtree. */
  public static final String TAGS = "tags";
  /** Multi-valued, normalised (domain lower-cased) email addresses. */
  public static final String EMAILS = "emails";
  /** Multi-valued E.164 phone numbers. */
  public static final String PHONES = "phones";
  /** Multi-valued ISO country codes of the addresses. */
  public static final String COUNTRIES = "countries";
  /** Multi-valued cities of the addresses. */
  public static final String CITIES = "cities";
  /** Multi-valued, unique per tenant: {@code SYSTEM:id}. */
  public static final String EXTERNAL_REFS = "externalRefs";
  /** The credit limit amount (DECIMAL); compare together with {@link #CURRENCY}. */
  public static final String CREDIT_LIMIT = "creditLimit";
  public static final String CURRENCY = "currency";
  public static final String CREATED_AT = "createdAt";
  public static final String UPDATED_AT = "updatedAt";
  public static final String STAGE_CHANGED_AT = "stageChangedAt";
  /** Soft-deleted customers have {@code true}; queries leave them out unless the criteria names this field. */
  public static final String DELETED = "deleted";

  public static final CollectionSpec SPEC = CollectionSpec.of(COLLECTION,
      single(KIND, IndexType.STRING),
      single(NAME, IndexType.STRING),
      single(STAGE, IndexType.STRING),
      single(GRADE, IndexType.STRING),
      single(OWNER, IndexType.STRING),
      single(TEAM, IndexType.STRING),
      single(DEPARTMENT, IndexType.STRING),
      single(REGION, IndexType.STRING),
      multi(TAGS, IndexType.STRING),
      multi(EMAILS, IndexType.STRING),
      multi(PHONES, IndexType.STRING),
      multi(COUNTRIES, IndexType.STRING),
      multi(CITIES, IndexType.STRING),
      multiUnique(EXTERNAL_REFS, IndexType.STRING),
      single(CREDIT_LIMIT, IndexType.DECIMAL),
      single(CURRENCY, IndexType.STRING),
      single(CREATED_AT, IndexType.INSTANT),
      single(UPDATED_AT, IndexType.INSTANT),
      single(STAGE_CHANGED_AT, IndexType.INSTANT),
      single(DELETED, IndexType.BOOLEAN));

  /** The index value of an external reference. */
  public static String externalRef(String system, String id) {
    return system + ":" + id;
  }
}
