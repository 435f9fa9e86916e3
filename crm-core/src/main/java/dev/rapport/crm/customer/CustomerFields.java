package dev.rapport.crm.customer;

import static dev.rapport.crm.store.IndexSpec.multi;
import static dev.rapport.crm.store.IndexSpec.multiUnique;
import static dev.rapport.crm.store.IndexSpec.single;

import dev.rapport.crm.access.FieldCatalog.Kind;
import dev.rapport.crm.access.FieldCatalog;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.tag.TagPath;
import java.util.List;
import java.util.Map;

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
  /**
   * Multi-valued e-mail addresses in their index form ({@link EmailAddress#normalized()}: the domain in lower-case
   * ASCII, {@code user@xn--bcher-kva.ch}). {@code eq} and {@code in} values are brought to that form by the read path,
   * so {@code eq(EMAILS, "user@bücher.ch")} and {@code eq(EMAILS, "user@XN--BCHER-KVA.ch")} find the same customers;
   * prefixes and ranges compare with the stored index form as given.
   */
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
  /**
   * Soft-deleted customers have {@code true}. Which of them a query takes is the query's {@link
   * dev.rapport.crm.query.Deleted} choice (live ones by default); a criteria on this field is ANDed with it.
   */
  public static final String DELETED = "deleted";

  /**
   * The field name under which criteria and sorts name the custom field {@code customField}, once a tenant's
   * {@link CustomFieldSchema} marks it {@linkplain CustomFieldSchema.Builder#indexed indexed}: {@code cf}, up to 18
   * letters and digits of the name, and six hex digits of its hash (so names differing only in case or underscores
   * stay apart): {@code custom("industry")} is {@code cfIndustry} followed by the hash. The SQL column is
   * {@code f_cf_industry…}.
   */
  public static String custom(String customField) {
    StringBuilder b = new StringBuilder("cf");
    for (int i = 0; i < customField.length() && b.length() < 20; i++) {
      char ch = customField.charAt(i);
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
        b.append(b.length() == 2 ? Character.toUpperCase(ch) : ch);
      }
    }
    return b.append(com.google.common.hash.Hashing.sha256()
        .hashString(customField, java.nio.charset.StandardCharsets.UTF_8).toString(), 0, 6).toString();
  }

  /**
   * Indexed whatever index set the host declares: every query of customers asks for {@link #DELETED} (live ones by
   * default), and {@link #EXTERNAL_REFS} is unique.
   */
  public static final IndexSet ALWAYS_INDEXED = IndexSet.of(DELETED, EXTERNAL_REFS);

  /**
   * The index set used when the host declares none ({@code Crm.builder().indexes(...)}): what the standard lists
   * filter and sort on — name, stage, owner, the time of the last update, tags, and the contact addresses (e-mail,
   * phone) — besides {@link #ALWAYS_INDEXED}. The other fields ({@link #KIND}, {@link #GRADE}, {@link #TEAM},
   * {@link #DEPARTMENT}, {@link #REGION}, {@link #COUNTRIES}, {@link #CITIES}, {@link #CREDIT_LIMIT},
   * {@link #CURRENCY}, {@link #CREATED_AT}, {@link #STAGE_CHANGED_AT}) are queryable once the host indexes them.
   */
  public static final IndexSet DEFAULT_INDEXES = IndexSet.of(NAME, STAGE, OWNER, UPDATED_AT, TAGS, EMAILS, PHONES)
      .union(ALWAYS_INDEXED);

  /** Every field customers declare, with {@link #DEFAULT_INDEXES}. */
  public static final CollectionSpec SPEC = CollectionSpec.of(COLLECTION,
      single(KIND, IndexType.STRING).withMaxLength(12),
      single(NAME, IndexType.STRING),
      single(STAGE, IndexType.STRING).withMaxLength(40),
      single(GRADE, IndexType.STRING).withMaxLength(20),
      single(OWNER, IndexType.STRING).withMaxLength(128),
      single(TEAM, IndexType.STRING).withMaxLength(100),
      single(DEPARTMENT, IndexType.STRING).withMaxLength(100),
      single(REGION, IndexType.STRING).withMaxLength(100),
      multi(TAGS, IndexType.STRING),
      multi(EMAILS, IndexType.STRING),
      multi(PHONES, IndexType.STRING),
      multi(COUNTRIES, IndexType.STRING),
      multi(CITIES, IndexType.STRING),
      multiUnique(EXTERNAL_REFS, IndexType.STRING),
      single(CREDIT_LIMIT, IndexType.DECIMAL),
      single(CURRENCY, IndexType.STRING).withMaxLength(3),
      single(CREATED_AT, IndexType.INSTANT),
      single(UPDATED_AT, IndexType.INSTANT),
      single(STAGE_CHANGED_AT, IndexType.INSTANT),
      single(DELETED, IndexType.BOOLEAN)).withIndexes(DEFAULT_INDEXES);

  /**
   * The fields field-level security may name: paths in a customer's JSON form. Identity and bookkeeping (id,
   * tenant, kind, version, created/updated/deleted at and by) are always readable and are written by the command
   * path only. {@code stageEnteredAt} (when the customer entered each stage) is derived from {@code stage}: writing
   * the stage needs only {@code stage} writable, but the history tells the stage, so a policy that hides
   * {@code stage} hides it too.
   */
  public static final FieldCatalog FIELDS = FieldCatalog.builder()
      .required("name", Kind.TEXT)
      .optional("emails", Kind.EMAIL)
      .optional("phones", Kind.PHONE)
      .optional("addresses", Kind.VALUE)
      .optional("contactPersons", Kind.VALUE)
      .optional("contactPersons.name", Kind.TEXT)
      .optional("contactPersons.role", Kind.TEXT)
      .optional("contactPersons.emails", Kind.EMAIL)
      .optional("contactPersons.phones", Kind.PHONE)
      .optional("tags", Kind.VALUE)
      .required("stage", Kind.TEXT)
      .derived("stageEnteredAt", Kind.MAP)
      .optional("grade", Kind.TEXT)
      .optional("owner", Kind.TEXT)
      .optional("team", Kind.TEXT)
      .optional("department", Kind.TEXT)
      .optional("region", Kind.TEXT)
      .optional("creditLimit", Kind.VALUE)
      .optional("externalRefs", Kind.MAP)
      .optional("customFields", Kind.MAP)
      .optional("customFields.*", Kind.TEXT)
      .optional("consents", Kind.MAP)
      .build();

  /** Customers as access policies, audit and approvals name them: resource type {@code customer}. */
  public static final ResourceType TYPE = new ResourceType("customer", SPEC, FIELDS,
      CustomerFields::indexValuesOf);

  /** The index values of a customer from its JSON form (what policies compare, as criteria do). */
  private static Map<String, List<Object>> indexValuesOf(com.fasterxml.jackson.databind.node.ObjectNode body) {
    Customer c = dev.rapport.crm.internal.Json.fromTree(body, Customer.class);
    return new Document(c.id(), Math.max(1, c.version()), body, indexValues(c)).index();
  }

  /** The values a customer holds for each queryable field (what criteria, sorts and lifecycle guards see). */
  public static Map<String, List<Object>> indexValues(Customer c) {
    String name = c.name().defaultValue();
    Document.IndexValues values = Document.indexValues()
        .put(KIND, c.kind().name())
        .put(NAME, name)
        .put(STAGE, c.stage())
        .put(GRADE, c.grade())
        .put(OWNER, c.owner())
        .put(TEAM, c.team())
        .put(DEPARTMENT, c.department())
        .put(REGION, c.region());
    // loops, not streams: every customer write computes these
    for (TagPath t : c.tags()) {
      values.put(TAGS, t.value());
    }
    for (EmailAddress e : c.emails()) {
      values.put(EMAILS, e.normalized());
    }
    for (PhoneNumber p : c.phones()) {
      values.put(PHONES, p.e164());
    }
    for (PostalAddress a : c.addresses()) {
      values.put(COUNTRIES, a.country());
    }
    for (PostalAddress a : c.addresses()) {
      values.put(CITIES, a.city());
    }
    c.externalRefs().forEach((system, id) -> values.put(EXTERNAL_REFS, externalRef(system, id)));
    return values
        .put(CREDIT_LIMIT, c.creditLimit() == null ? null : c.creditLimit().amount())
        .put(CURRENCY, c.creditLimit() == null ? null : c.creditLimit().currency().getCurrencyCode())
        .put(CREATED_AT, c.createdAt())
        .put(UPDATED_AT, c.updatedAt())
        .put(STAGE_CHANGED_AT, c.stageEnteredAt().get(c.stage()))
        .put(DELETED, c.isDeleted())
        .build();
  }

  /** The index value of an external reference. */
  public static String externalRef(String system, String id) {
    return system + ":" + id;
  }
}
