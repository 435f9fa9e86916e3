package dev.rapport.crm.samples;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.store.Store;

/**
 * The README's example of declaring indexes for the host's list views: the lines between the markers are the
 * README's third Java block (ReadmeExampleTest holds one to the other).
 */
public final class ReadmeIndexes {
  private ReadmeIndexes() {}

  /** What the example built and read. */
  record Result(Crm crm, Page<Customer> leads) {}

  static Result run(Store store, Actor alice) {
    // README:start
    // the default set, and one composite index per list view: leads by stage and region sorted by name,
    // and each owner's customers, most recently updated first
    IndexSet customerIndexes = CustomerFields.DEFAULT_INDEXES
        .with(CompositeIndex.of("byStageRegionName",
            Sort.asc(CustomerFields.STAGE).thenAsc(CustomerFields.REGION).thenAsc(CustomerFields.NAME)))
        .with(CompositeIndex.of("recentByOwner",
            Sort.asc(CustomerFields.OWNER).thenDesc(CustomerFields.UPDATED_AT)));
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .indexes(CustomerFields.COLLECTION, customerIndexes)   // or .indexes(IndexSets.fromJson(path))
        .build();                                              // creates what is missing, drops what is gone

    Page<Customer> leads = crm.customers().find(alice, Query.of(
        Criteria.and(Criteria.eq(CustomerFields.STAGE, "LEAD"), Criteria.eq(CustomerFields.REGION, "APAC")),
        Sort.asc(CustomerFields.NAME), 50));
    // README:end
    return new Result(crm, leads);
  }
}
