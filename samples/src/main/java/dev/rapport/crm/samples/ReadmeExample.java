package dev.rapport.crm.samples;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.LoggingNotifier;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;

/**
 * The README's first example, imports and all: the lines between the markers are the README's first Java block
 * (ReadmeExampleTest holds one to the other), so the README shows code that compiles and runs.
 */
public final class ReadmeExample {
  private ReadmeExample() {}

  /** Runs the example and hands back what it built and read. */
  static Result run() {
    // README:start
    Crm crm = Crm.builder()
        .store(InMemoryStore.create())                 // or a JDBC / MongoDB store
        .accessPolicy(AccessPolicy.allowAll())          // explicit: never an implicit default
        .audit(AuditRecorder.none())                    // explicit too
        .notifier(LoggingNotifier.create())             // or WebhookNotifier.to(uri, secret), your own Notifier
        .build();
    Actor alice = Actor.of("acme", "alice");            // authenticated by your application
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "上海华信贸易有限公司")
        .email("sales@huaxin.example.cn").phone("021 6123 4567").phoneRegion("CN").tag("segment/vip/gold").build());
    crm.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "annual review");
    Page<Customer> vips = crm.customers().find(alice,
        Query.of(Criteria.tagSubtree(CustomerFields.TAGS, "segment/vip"), Sort.asc(CustomerFields.NAME), 50));
    // README:end
    return new Result(crm, alice, vips);
  }

  record Result(Crm crm, Actor alice, Page<Customer> vips) {}
}
