package dev.rapport.crm.samples;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.rbac.Explanation;
import dev.rapport.crm.rbac.Rbac;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;

/**
 * The README's access-control example (the lines between the markers are its Java block): the policy file
 * {@code access.yaml}, a filtered query, a masked read and an explanation. The quick start runs it.
 */
public final class ReadmeAccess {
  private ReadmeAccess() {}

  record Result(Page<Customer> repsPage, Customer seenByService, Explanation whyNot) {}

  static Result run(Store store) {
    // README:start
    Rbac rbac = Rbac.fromResource("access.yaml");   // or Rbac.fromFile(path), Rbac.builder()...
    Crm crm = Crm.builder()
        .store(store)
        .accessPolicy(rbac)
        .audit(AuditRecorder.none())
        // the filter on region runs in the store: index what the policy filters on
        .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE))
        .build();
    Actor admin = Actor.of("acme", "root").withRoles("admin");
    Actor wei = Actor.of("acme", "li.wei").withRoles("sales_rep").withAttribute("region", "CN-East");
    Actor sam = Actor.of("acme", "sam").withRoles("service_rep");
    Customer shanghai = crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "上海华信贸易")
        .region("CN-East").phone("+86 21 6123 4567").email("sales@huaxin.example.cn").build());
    crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Lyon Textiles")
        .region("EU-West").build());

    // a filtered query: "region = 'CN-East'" is ANDed into the query the store runs
    Page<Customer> repsPage = crm.customers().find(wei, Query.of(Criteria.all(), Sort.asc(CustomerFields.NAME), 50));
    // a masked read: +86 ** **** 4567, s***@huaxin.example.cn
    Customer seenByService = crm.customers().require(sam, shanghai.id());
    // why may the service rep not edit it? the nearest permits and what failed
    Explanation whyNot = rbac.explain(sam, Action.EDIT, Resource.ofType(CustomerFields.TYPE));
    // README:end
    crm.close();
    return new Result(repsPage, seenByService, whyNot);
  }

  /** Runs the example on an in-memory store and prints what each actor saw. */
  public static void main(String[] args) {
    print(run(dev.rapport.crm.store.memory.InMemoryStore.create()));
  }

  static void print(Result r) {
    System.out.println("\nAccess control (samples/src/main/resources/access.yaml):");
    System.out.println("  li.wei (sales_rep, CN-East) sees: " + r.repsPage().items().stream()
        .map(c -> c.name().defaultValue()).toList());
    Customer c = r.seenByService();
    System.out.println("  sam (service_rep) sees " + c.name().defaultValue() + " with phone " + c.phones().get(0)
        .e164() + ", e-mail " + c.emails().get(0).value() + ", region " + c.region());
    System.out.println("  may sam edit a customer? " + r.whyNot().allowed() + " — "
        + r.whyNot().rules().stream().map(x -> x.ruleId() + ": " + x.outcome()).toList());
  }
}
