package dev.rapport.crm.servicecase;

import static dev.rapport.crm.store.IndexSpec.single;

import dev.rapport.crm.access.FieldCatalog.Kind;
import dev.rapport.crm.access.FieldCatalog;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.store.IndexType;

/** The queryable fields of service cases. */
public final class CaseFields {
  private CaseFields() {}

  public static final String COLLECTION = "cases";
  public static final String CUSTOMER_ID = "customerId";
  public static final String STATUS = "status";
  public static final String PRIORITY = "priority";
  public static final String ASSIGNEE = "assignee";
  public static final String SLA_DUE = "slaDue";
  public static final String CREATED_AT = "createdAt";
  public static final String RESOLVED_AT = "resolvedAt";
  public static final String CSAT = "csat";
  public static final String SENTIMENT = "sentiment";

  /** Indexed whatever index set the host declares: the overdue list ({@code cases().overdue}) asks for them. */
  public static final IndexSet ALWAYS_INDEXED = IndexSet.of(STATUS, SLA_DUE);

  /** Every field cases declare, each indexed alone unless the host declares another index set. */
  public static final CollectionSpec SPEC = CollectionSpec.of(COLLECTION,
      single(CUSTOMER_ID, IndexType.STRING),
      single(STATUS, IndexType.STRING),
      single(PRIORITY, IndexType.STRING),
      single(ASSIGNEE, IndexType.STRING),
      single(SLA_DUE, IndexType.INSTANT),
      single(CREATED_AT, IndexType.INSTANT),
      single(RESOLVED_AT, IndexType.INSTANT),
      single(CSAT, IndexType.LONG),
      single(SENTIMENT, IndexType.STRING));

  /** The fields field-level security may name (identity, customer, status, priority, times always show). */
  public static final FieldCatalog FIELDS = FieldCatalog.builder()
      .required("subject", Kind.TEXT)
      .optional("description", Kind.FREE_TEXT)
      .optional("assignee", Kind.TEXT)
      .optional("resolution", Kind.FREE_TEXT)
      .optional("csat", Kind.VALUE)
      .optional("sentiment", Kind.VALUE)
      .optional("feedback", Kind.FREE_TEXT)
      .build();

  /** Cases as access policies, audit and approvals name them: resource type {@code case}. */
  public static final ResourceType TYPE = new ResourceType("case", SPEC, FIELDS);
}
