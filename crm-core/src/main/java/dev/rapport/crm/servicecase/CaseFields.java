package dev.rapport.crm.servicecase;

import static dev.rapport.crm.store.IndexSpec.single;

import dev.rapport.crm.store.CollectionSpec;
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
}
