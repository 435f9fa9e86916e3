package dev.rapport.crm.interaction;

import static dev.rapport.crm.store.IndexSpec.single;

import dev.rapport.crm.access.FieldCatalog.Kind;
import dev.rapport.crm.access.FieldCatalog;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexType;

/** The queryable fields of interactions. */
public final class InteractionFields {
  private InteractionFields() {}

  public static final String COLLECTION = "interactions";
  public static final String CUSTOMER_ID = "customerId";
  public static final String CHANNEL = "channel";
  public static final String DIRECTION = "direction";
  public static final String OCCURRED_AT = "occurredAt";
  public static final String ACTOR = "actor";
  public static final String FOLLOW_UP_DUE = "followUpDue";
  /** True while a follow-up is due and not done. */
  public static final String FOLLOW_UP_OPEN = "followUpOpen";

  public static final CollectionSpec SPEC = CollectionSpec.of(COLLECTION,
      single(CUSTOMER_ID, IndexType.STRING),
      single(CHANNEL, IndexType.STRING),
      single(DIRECTION, IndexType.STRING),
      single(OCCURRED_AT, IndexType.INSTANT),
      single(ACTOR, IndexType.STRING),
      single(FOLLOW_UP_DUE, IndexType.INSTANT),
      single(FOLLOW_UP_OPEN, IndexType.BOOLEAN));

  /** The fields field-level security may name (identity, customer, channel, times and bookkeeping always show). */
  public static final FieldCatalog FIELDS = FieldCatalog.builder()
      .required("summary", Kind.FREE_TEXT)
      .optional("outcome", Kind.FREE_TEXT)
      .optional("followUpDue", Kind.VALUE)
      .optional("followUpDoneAt", Kind.VALUE)
      .build();

  /** Interactions as access policies, audit and approvals name them: resource type {@code interaction}. */
  public static final ResourceType TYPE = new ResourceType("interaction", SPEC, FIELDS);
}
