package dev.rapport.crm.samples;

import dev.rapport.crm.Crm;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Deleted;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Change;
import java.util.List;
import java.util.Map;

/**
 * The README's example of reading every page, soft-deleted customers and the change feed: the lines between the
 * markers are the README's second Java block (ReadmeExampleTest holds one to the other).
 */
public final class ReadmeReads {
  private ReadmeReads() {}

  /** What the example read. */
  record Result(long all, Page<Customer> bin, String saved) {}

  static Result run(Crm crm, Actor alice, List<Customer> erp, Map<String, Customer> cache, String saved) {
    // README:start
    // every customer alice may see, read page by page as the stream is consumed (each page filtered and masked)
    crm.customers().stream(alice, Query.of(Criteria.all(), Sort.byId(), 500)).forEach(erp::add);

    // soft-deleted customers are left out unless a query or count asks for them
    long all = crm.customers().count(alice, Criteria.all(), Deleted.INCLUDED);
    Page<Customer> bin = crm.customers().find(alice, Query.of(Criteria.all(), Sort.byId(), 50).onlyDeleted());

    // what changed since the position saved last time (FeedPosition.start() the first time); then save the next one
    ChangeBatch batch = crm.customers().changes(alice, FeedPosition.decode(saved), 500);
    for (Change change : batch.changes()) {
      crm.customers().get(alice, change.id()).ifPresent(customer -> cache.put(customer.id(), customer));
    }
    saved = batch.next().encode();                      // read again at once unless batch.caughtUp()
    // README:end
    return new Result(all, bin, saved);
  }
}
