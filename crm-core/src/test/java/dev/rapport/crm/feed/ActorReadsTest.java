package dev.rapport.crm.feed;

import dev.rapport.crm.TestIndexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The reads that walk many records for an actor — a service's change feed and its stream over every page — take the
 * command path like a page: the actor's filter and check decide what is shown, and what is shown is recorded.
 */
class ActorReadsTest {
  private static final TenantId ACME = TenantId.of("acme");
  private final Actor emea = Actor.of(ACME, "olga").withAttribute("region", "EMEA");
  private final Actor apac = Actor.of(ACME, "ian").withAttribute("region", "APAC");

  /**
   * Everyone sees and changes the customers of their own region (as they were before a change), and every other
   * record; anyone creates.
   */
  private final AccessPolicy regional = new AccessPolicy() {
    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      return resource.current() == null || !resource.type().name().equals("customer") || resource.current().path("region").asText().equals(region(actor))
          ? Decision.allow("same-region") : Decision.deny("other-region");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      return type.name().equals("customer") ? DataFilter.where(Criteria.eq(CustomerFields.REGION, region(actor)))
          : DataFilter.always();
    }

    private String region(Actor actor) {
      return actor.attribute("region").orElse("");
    }
  };

  private final List<AuditEntry> entries = new CopyOnWriteArrayList<>();
  private final AuditRecorder recorder = entry -> {
    entries.add(entry);
    return List.<WriteBatch.Append>of();
  };
  private final Crm crm = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(InMemoryStore.create()).accessPolicy(regional).audit(recorder).build();

  private Customer create(Actor actor, String name) {
    return crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, name)
        .region(actor.attribute("region").orElseThrow()).build());
  }

  private List<AuditEntry.Read> reads() {
    return entries.stream().filter(AuditEntry.Read.class::isInstance).map(AuditEntry.Read.class::cast).toList();
  }

  @Test
  void theFeedShowsOnlyWhatTheActorMayViewAndStillMovesPastTheRest() {
    Customer schmidt = create(emea, "Schmidt GmbH");
    crm.customers().changeStage(emea, schmidt.id(), "PROSPECT", null);
    Customer tanaka = create(apac, "田中商事");

    ChangeBatch apacView = crm.customers().changes(apac, FeedPosition.start(), 10);
    assertThat(apacView.changes()).extracting(Change::id).containsExactly(tanaka.id());
    assertThat(apacView.caughtUp()).isTrue();
    ChangeBatch emeaView = crm.customers().changes(emea, FeedPosition.start(), 10);
    assertThat(emeaView.changes()).extracting(Change::id, Change::version)
        .containsExactly(tuple(schmidt.id(), 1L),
            tuple(schmidt.id(), 2L));

    // a read that finds only hidden changes returns none, yet moves past them
    ChangeBatch hiddenOnly = crm.customers().changes(apac, FeedPosition.start(), 10);
    assertThat(crm.customers().changes(apac, hiddenOnly.next(), 10).changes()).isEmpty();
    ChangeBatch first = crm.customers().changes(apac, FeedPosition.start(), 1);
    assertThat(first.changes()).extracting(Change::id).containsExactly(tanaka.id());
    assertThat(first.next()).isEqualTo(apacView.next());

    // visibility is the record's as it is now: moved to APAC, all of its changes are APAC's to see
    crm.customers().update(emea, schmidt.id(), CustomerPatch.builder().region("APAC").build());
    assertThat(crm.customers().changes(emea, FeedPosition.start(), 10).changes()).isEmpty();
    assertThat(crm.customers().changes(apac, FeedPosition.start(), 10).changes()).extracting(Change::id)
        .containsExactly(schmidt.id(), schmidt.id(), tanaka.id(), schmidt.id());
  }

  @Test
  void aFeedReadThatShowsChangesIsRecordedAndAnEmptyPollIsNot() {
    Customer tanaka = create(apac, "田中商事");
    create(emea, "Schmidt GmbH");
    entries.clear();

    ChangeBatch batch = crm.customers().changes(apac, FeedPosition.start(), 10);
    assertThat(reads()).singleElement().satisfies(r -> {
      assertThat(r.actor()).isEqualTo(apac);
      assertThat(r.action()).isEqualTo(Action.VIEW);
      assertThat(r.resourceIds()).containsExactly(tanaka.id());
    });
    crm.customers().changes(apac, batch.next(), 10);
    crm.interactions().changes(apac, FeedPosition.start(), 10);
    assertThat(reads()).hasSize(1);
  }

  @Test
  void aStreamReadsAndRecordsOnePageAtATime() {
    for (int i = 0; i < 5; i++) {
      create(apac, "Customer " + i);
    }
    create(emea, "Schmidt GmbH");
    entries.clear();

    assertThat(crm.customers().stream(apac, Query.of(Criteria.all(), Sort.asc(CustomerFields.NAME), 2)))
        .extracting(Customer::region).hasSize(5).containsOnly("APAC");
    assertThat(reads()).extracting(r -> r.resourceIds().size()).containsExactly(2, 2, 1);

    entries.clear();
    assertThat(crm.customers().stream(apac, Query.of(Criteria.all(), Sort.byId(), 2)).findFirst()).isPresent();
    assertThat(reads()).as("stopping early fetches no further page").hasSize(1);
  }
}
