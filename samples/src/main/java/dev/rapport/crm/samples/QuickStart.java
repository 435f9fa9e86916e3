package dev.rapport.crm.samples;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.UpsertResult;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CompositeIndex;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The quick start: creates customers, queries them, moves one through its lifecycle, syncs an ERP record twice
 * (the second time changes nothing), shows a validation error, and lists the events the notifier received.
 */
public final class QuickStart {
  /**
   * The customers' default index set and one composite index for the quick start's list: a region's customers by
   * name (the tag subtree is checked on the rows the index yields).
   */
  static final IndexSet INDEXES = CustomerFields.DEFAULT_INDEXES.with(CompositeIndex.of("byRegionName",
      Sort.asc(CustomerFields.REGION).thenAsc(CustomerFields.NAME)));

  /**
   * Hibernate Validator announces its version on java.util.logging; the quick start keeps its output to the point.
   * Held in a field because java.util.logging keeps loggers only weakly.
   */
  private static final java.util.logging.Logger HIBERNATE_VALIDATOR_LOG =
      java.util.logging.Logger.getLogger("org.hibernate.validator");

  private QuickStart() {}

  public static void main(String[] args) {
    HIBERNATE_VALIDATOR_LOG.setLevel(java.util.logging.Level.WARNING);
    Stores.Opened opened = Stores.fromEnvironment();
    System.out.println("Rapport quick start — store: " + opened.description());
    Inbox notifier = new Inbox();
    try (Crm crm = Crm.builder()
        .store(opened.store())
        .accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none())
        .notifier(notifier)
        .indexes(CustomerFields.COLLECTION, INDEXES)
        .build()) {
      run(crm, opened.store(), notifier);
    } finally {
      opened.close();
    }
    // access control with crm-rbac (on a store of its own, so the quick start's data keeps its allow-all policy)
    ReadmeAccess.print(ReadmeAccess.run(dev.rapport.crm.store.memory.InMemoryStore.create()));
    // the audit trail with crm-audit: records, the hash chain, verification (on a store of its own too)
    ReadmeAudit.runAndPrint();
    // approvals with crm-workflow: a two-step credit-limit approval, its diagram and KPIs (a store of its own too)
    ReadmeWorkflow.print(ReadmeWorkflow.run(dev.rapport.crm.store.memory.InMemoryStore.create()));
  }

  static void run(Crm crm, Store store, Inbox notifier) {
    Actor alice = Actor.of("acme", "alice").withRoles("sales");

    long before = crm.customers().count(alice, Criteria.all());
    System.out.println("\nCustomers already stored for tenant acme: " + before);

    // 1. Create customers (names in several languages, phones normalised to E.164, addresses checked per country)
    for (CustomerData data : SampleData.customers(25, before + 42)) {
      crm.customers().create(alice, data);
    }
    System.out.println("Created 25 customers; now " + crm.customers().count(alice, Criteria.all()));

    // 2. A filtered, sorted page: APAC customers with a VIP tag (any level below segment/vip), by name
    Criteria vipApac = Criteria.and(
        Criteria.eq(CustomerFields.REGION, "APAC"),
        Criteria.tagSubtree(CustomerFields.TAGS, "segment/vip"));
    Page<Customer> page = crm.customers().find(alice, Query.of(vipApac, Sort.asc(CustomerFields.NAME), 5));
    System.out.println("\nAPAC customers tagged segment/vip/* (first page of 5, "
        + crm.customers().count(alice, vipApac) + " in all):");
    printTable(page.items());

    // 3. Lifecycle: LEAD -> PROSPECT -> ACTIVE
    Customer c = crm.customers().find(alice, Query.of(Criteria.eq(CustomerFields.STAGE, "LEAD"), Sort.byId(), 1))
        .items().get(0);
    c = crm.customers().changeStage(alice, c.id(), "PROSPECT", "first call went well");
    c = crm.customers().assignOwner(alice, c.id(), "alice");
    c = crm.customers().changeStage(alice, c.id(), "ACTIVE", null);
    System.out.println("\nMoved " + c.name().defaultValue() + " through the lifecycle: now " + c.stage()
        + " (version " + c.version() + ", owner " + c.owner() + ")");

    // 4. Idempotent ERP sync: the same payload twice changes nothing the second time
    CustomerData erp = CustomerData.builder(CustomerKind.ORGANIZATION, "上海华信贸易有限公司")
        .localizedName("en", "Shanghai Huaxin Trading Co., Ltd.")
        .email("purchasing@huaxin.example.cn")
        .phone("021 6123 4567").phoneRegion("CN")
        .address(new AddressInput("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号"), "200120"))
        .creditLimit("250000", "CNY")
        .tag("segment/enterprise")
        .build();
    UpsertResult first = crm.customers().upsertByExternalRef(alice, "SAP", "0000123456", erp);
    UpsertResult second = crm.customers().upsertByExternalRef(alice, "SAP", "0000123456", erp);
    System.out.println("\nERP upsert of SAP:0000123456: first " + first.outcome() + " (version "
        + first.customer().version() + "), second " + second.outcome() + " (version " + second.customer().version()
        + "), phone normalised to " + first.customer().phones().get(0).e164());

    // 5. Bad input: every violation at once, with its field path; nothing is written
    try {
      crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, " ")
          .email("not an email").phone("12").phoneRegion("CN")
          .address(new AddressInput("CN", null, "上海市", null, List.of(), "2001"))
          .tag("bad//tag").build());
    } catch (ValidationException e) {
      System.out.println("\nRejected a bad command with " + e.violations().size() + " violations:");
      e.violations().forEach(v -> System.out.println("  " + v.path() + ": " + v.message() + " [" + v.rule() + "]"));
    }

    // 6. Events delivered to the notifier after each commit (through the outbox, at least once, stable ids). They
    // are delivered on Rapport's own thread, never the command's; publish() catches up with what is pending now.
    crm.publish(alice.tenant());
    Map<String, Long> byType = notifier.events().stream().collect(Collectors.toMap(Event::id, e -> e, (a, b) -> a))
        .values().stream()
        .collect(Collectors.groupingBy(Event::type, TreeMap::new, Collectors.counting()));
    System.out.println("\nEvents the notifier received: " + byType);
    List<Event> events = notifier.events();
    events.subList(Math.max(0, events.size() - 3), events.size()).forEach(e ->
        System.out.println("  " + e.occurredAt() + " " + e.type() + " " + e.aggregateType() + "/" + e.aggregateId()
            + " v" + e.aggregateVersion() + " id=" + e.id()));
    System.out.println("\nChange feed holds " + store.changes(alice.tenant(), 0, 10_000).size()
        + " committed writes for tenant acme.");
  }

  private static void printTable(List<Customer> customers) {
    // padded by terminal columns, not characters: Chinese and Japanese names take two columns a character
    System.out.println("  " + Columns.fit("name", 30) + " " + Columns.fit("stage", 10) + " " + Columns.fit("grade", 6)
        + " " + Columns.fit("tags", 24) + " credit limit");
    for (Customer c : customers) {
      String tags = c.tags().stream().map(Object::toString).collect(Collectors.joining(","));
      String limit = c.creditLimit() == null ? "-" : c.creditLimit().amount().toPlainString() + " "
          + c.creditLimit().currency().getCurrencyCode();
      System.out.println("  " + Columns.fit(c.name().defaultValue(), 30) + " " + Columns.fit(c.stage(), 10) + " "
          + Columns.fit(c.grade() == null ? "-" : c.grade(), 6) + " " + Columns.fit(tags, 24) + " " + limit);
    }
  }

}
