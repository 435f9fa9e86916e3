package dev.rapport.crm.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.feed.ChangeBatch;
import dev.rapport.crm.feed.FeedPosition;
import dev.rapport.crm.interaction.Interaction;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.interaction.LogInteraction;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Deleted;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.servicecase.OpenCase;
import dev.rapport.crm.servicecase.ServiceCase;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The services' reads that depend on the store's query translation and change feed, run on a {@link Crm} over the
 * store under test: which soft-deleted records a query takes, streams over every page, and each collection's
 * change feed with a persisted cursor. Subclass once per store with the one factory method, like the kernel TCK
 * ({@link #createStore} is called before each test; every test uses a fresh tenant, so a store may be shared).
 * {@link dev.rapport.crm.testkit.kernel.KernelTck} runs it with the kernel contracts.
 */
public abstract class ServiceReadsContract {
  protected final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  protected final Actor actor = Actor.of(TenantId.of("reads-" + UUID.randomUUID()), "alice");
  protected Crm crm;

  /** The store under test, reading time from {@code clock}, with no data in the tenant this test uses. */
  protected abstract Store createStore(MutableClock clock);

  @BeforeEach
  void buildCrm() {
    crm = Crm.builder().indexes(CustomerFields.COLLECTION, CustomerFields.SPEC.everyFieldIndexed()).store(createStore(clock)).clock(clock).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).build();
  }

  private Customer customer(String name) {
    return crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, name).region("EU").build());
  }

  private static List<String> ids(List<Customer> customers) {
    return customers.stream().map(Customer::id).toList();
  }

  @Test
  void queriesAndCountsTakeSoftDeletedCustomersAsTheyAreAskedTo() {
    Customer ada = customer("Ada");
    Customer bob = customer("Bob");
    Customer eve = customer("Eve");
    crm.customers().delete(actor, bob.id(), "duplicate");
    Query eu = Query.of(Criteria.eq(CustomerFields.REGION, "EU"), Sort.asc(CustomerFields.NAME), 10);

    assertThat(ids(crm.customers().find(actor, eu).items())).containsExactly(ada.id(), eve.id());
    assertThat(ids(crm.customers().find(actor, eu.includingDeleted()).items()))
        .containsExactly(ada.id(), bob.id(), eve.id());
    assertThat(ids(crm.customers().find(actor, eu.onlyDeleted()).items())).containsExactly(bob.id());
    assertThat(crm.customers().count(actor, Criteria.all())).isEqualTo(2);
    assertThat(crm.customers().count(actor, Criteria.all(), Deleted.INCLUDED)).isEqualTo(3);
    assertThat(crm.customers().count(actor, Criteria.all(), Deleted.ONLY)).isEqualTo(1);

    // a criteria on the field is an ordinary criteria, ANDed with the choice: it no longer changes the choice
    Criteria deleted = Criteria.eq(CustomerFields.DELETED, true);
    assertThat(crm.customers().count(actor, deleted)).isZero();
    assertThat(crm.customers().count(actor, deleted, Deleted.INCLUDED)).isEqualTo(1);
    assertThat(crm.customers().count(actor, Criteria.not(deleted), Deleted.ONLY)).isZero();

    crm.customers().restore(actor, bob.id());
    assertThat(crm.customers().count(actor, Criteria.all(), Deleted.ONLY)).isZero();
    assertThat(crm.customers().count(actor, Criteria.all())).isEqualTo(3);
  }

  @Test
  void aCustomFieldIndexedLaterFindsTheCustomersStoredBeforeOnceReindexed() {
    Store store = createStore(clock);
    Crm before = Crm.builder().store(store).clock(clock).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).customFields(CustomFieldSchema.builder().text("industry", 100, false).build())
        .build();
    Customer acme = before.customers().create(actor, CustomerData.builder(CustomerKind.ORGANIZATION, "Acme")
        .customField("industry", "retail").build());
    Customer bolt = before.customers().create(actor, CustomerData.builder(CustomerKind.ORGANIZATION, "Bolt")
        .customField("industry", "energy").build());
    before.customers().delete(actor, bolt.id(), "closed");

    // the tenant's schema now indexes the field: customers stored before have no value for it yet
    Crm after = Crm.builder().store(store).clock(clock).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).customFields(CustomFieldSchema.builder().text("industry", 100, false)
            .indexed("industry").build()).build();
    Customer core = after.customers().create(actor, CustomerData.builder(CustomerKind.ORGANIZATION, "Core")
        .customField("industry", "retail").build());
    Criteria retail = Criteria.eq(CustomerFields.custom("industry"), "retail");
    assertThat(after.customers().count(actor, retail)).isEqualTo(1);
    int changes = after.changes(actor.tenant(), CustomerFields.COLLECTION, FeedPosition.start(), 1000)
        .changes().size();

    assertThat(after.reindex(actor.tenant())).containsEntry(CustomerFields.COLLECTION, 3L)
        .containsEntry(InteractionFields.COLLECTION, 0L).containsEntry(CaseFields.COLLECTION, 0L);

    assertThat(ids(after.customers().find(actor, Query.of(retail, Sort.asc(CustomerFields.NAME), 10)).items()))
        .containsExactly(acme.id(), core.id());
    assertThat(after.customers().count(actor, Criteria.eq(CustomerFields.custom("industry"), "energy"),
        Deleted.INCLUDED)).isEqualTo(1);
    assertThat(after.customers().require(actor, acme.id()).version()).isEqualTo(acme.version());
    assertThat(after.changes(actor.tenant(), CustomerFields.COLLECTION, FeedPosition.start(), 1000).changes())
        .hasSize(changes);
    // running it again changes nothing a reader sees
    assertThat(after.reindex(actor.tenant())).containsEntry(CustomerFields.COLLECTION, 3L);
    assertThat(after.customers().count(actor, retail)).isEqualTo(2);
  }

  @Test
  void aStreamReadsEveryPageInOrder() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(customer("Customer " + i).id());
    }
    crm.customers().delete(actor, created.get(3), "gone");
    Query byName = Query.of(Criteria.all(), Sort.asc(CustomerFields.NAME), 3);

    assertThat(ids(crm.customers().stream(actor, byName).toList()))
        .containsExactly(created.get(0), created.get(1), created.get(2), created.get(4), created.get(5),
            created.get(6));
    assertThat(ids(crm.customers().stream(actor, byName.includingDeleted()).toList())).isEqualTo(created);
    assertThat(ids(crm.customers().stream(actor, byName.onlyDeleted()).toList())).containsExactly(created.get(3));
    assertThat(ids(crm.customers().stream(actor, byName).limit(4).toList())).hasSize(4);
    assertThat(crm.customers().stream(actor, Query.of(Criteria.eq(CustomerFields.REGION, "APAC"), Sort.byId(), 3)))
        .isEmpty();

    Interaction call = crm.interactions().log(actor, new LogInteraction(created.get(0), Interaction.Channel.PHONE,
        Interaction.Direction.INBOUND, null, "called", null, null));
    ServiceCase broken = crm.cases().open(actor, new OpenCase(created.get(0), "broken", null,
        ServiceCase.Priority.HIGH, null));
    assertThat(crm.interactions().stream(actor, Query.of(Criteria.all(), Sort.byId(), 1)))
        .extracting(Interaction::id).containsExactly(call.id());
    assertThat(crm.cases().stream(actor, Query.of(Criteria.all(), Sort.byId(), 1).includingDeleted()))
        .extracting(ServiceCase::id).containsExactly(broken.id());
    // interactions and cases are never deleted
    assertThat(crm.cases().find(actor, Query.of(Criteria.all(), Sort.byId(), 1).onlyDeleted()).items()).isEmpty();
    assertThat(crm.interactions().count(actor, Criteria.all())).isEqualTo(1);
  }

  @Test
  void eachCollectionsFeedResumesFromAPersistedPositionAndMissesNothing() {
    List<String> customerIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = customer("Customer " + i).id();
      customerIds.add(id);
      crm.interactions().log(actor, new LogInteraction(id, Interaction.Channel.EMAIL, Interaction.Direction.OUTBOUND,
          null, "welcome", null, null));
      crm.customers().changeStage(actor, id, "PROSPECT", null);
    }
    crm.customers().delete(actor, customerIds.get(2), "duplicate");

    List<Change> all = crm.store().changes(actor.tenant(), 0, 1000);
    List<Change> read = new ArrayList<>();
    String saved = FeedPosition.start().encode();
    ChangeBatch batch;
    int reads = 0;
    do {
      batch = crm.customers().changes(actor, FeedPosition.decode(saved), 2);
      assertThat(batch.changes()).hasSizeLessThanOrEqualTo(2);
      read.addAll(batch.changes());
      saved = batch.next().encode();
      reads++;
    } while (!batch.caughtUp() && reads < 100);

    assertThat(read).isEqualTo(all.stream().filter(c -> c.collection().equals(CustomerFields.COLLECTION)).toList())
        .hasSize(11);
    assertThat(read).filteredOn(c -> c.id().equals(customerIds.get(2))).extracting(Change::version)
        .containsExactly(1L, 2L, 3L);
    assertThat(batch.next().value()).as("past the changes of other collections too")
        .isEqualTo(all.get(all.size() - 1).position());

    // the same position, read again, gives nothing new; a later write is the next thing it gives
    assertThat(crm.customers().changes(actor, FeedPosition.decode(saved), 10).changes()).isEmpty();
    crm.customers().tag(actor, customerIds.get(0), "segment/vip");
    ChangeBatch later = crm.customers().changes(actor, FeedPosition.decode(saved), 10);
    assertThat(later.changes()).singleElement().satisfies(c -> {
      assertThat(c.id()).isEqualTo(customerIds.get(0));
      assertThat(c.kind()).isEqualTo(Change.Kind.UPDATE);
    });
    assertThat(later.caughtUp()).isTrue();

    // the interactions' feed and the system-level feed of a collection cover what the store's feed holds
    assertThat(crm.interactions().changes(actor, FeedPosition.start(), 100).changes())
        .extracting(Change::collection).containsOnly(InteractionFields.COLLECTION).hasSize(5);
    assertThat(crm.changes(actor.tenant(), CustomerFields.COLLECTION, FeedPosition.start(), 1000).changes())
        .isEqualTo(crm.store().changes(actor.tenant(), 0, 1000).stream()
            .filter(c -> c.collection().equals(CustomerFields.COLLECTION)).toList());
    assertThat(crm.cases().changes(actor, FeedPosition.start(), 10))
        .satisfies(b -> assertThat(b.changes()).isEmpty())
        .satisfies(b -> assertThat(b.caughtUp()).isTrue());
  }

  @Test
  void theSystemFeedNamesItsCollection() {
    assertThatThrownBy(() -> crm.changes(actor.tenant(), "no_such_things", FeedPosition.start(), 10))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).rule()).isEqualTo("collection.unknown"));
    assertThatThrownBy(() -> crm.changes(actor.tenant(), CaseFields.COLLECTION, FeedPosition.start(), 0))
        .isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations().get(0).rule()).isEqualTo("limit.range"));
  }
}
