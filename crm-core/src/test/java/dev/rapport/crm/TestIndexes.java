package dev.rapport.crm;

import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.store.IndexSet;

/** Index sets for tests that filter on more than the default set indexes. */
public final class TestIndexes {
  private TestIndexes() {}

  /** Every field customers declare, each indexed alone. */
  public static final IndexSet EVERY_CUSTOMER_FIELD = CustomerFields.SPEC.everyFieldIndexed();
}
