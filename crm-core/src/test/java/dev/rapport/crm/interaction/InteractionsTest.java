package dev.rapport.crm.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.fixture.RecordingNotifier;
import dev.rapport.crm.interaction.Interaction.Channel;
import dev.rapport.crm.interaction.Interaction.Direction;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.MutableClock;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InteractionsTest {
  private static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryStore store = InMemoryStore.create(clock);
  private final RecordingNotifier notifier = new RecordingNotifier();
  private final Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
      .clock(clock).notifier(notifier).publishOn(Runnable::run).build();
  private final Actor alice = Actor.of("acme", "alice");
  private String customerId = "";

  @BeforeEach
  void createCustomer() {
    customerId = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada Lovelace").build()).id();
  }

  @Test
  void logsAnInteractionWithItsFieldsAtClockTimeAndDeliversTheEvent() {
    clock.advance(Duration.ofMinutes(5));
    Instant due = T0.plus(Duration.ofDays(2));

    Interaction logged = crm.interactions().log(alice, new LogInteraction(customerId, Channel.PHONE,
        Direction.INBOUND, null, "asked about the invoice", "sent a copy", due));

    assertThat(logged.customerId()).isEqualTo(customerId);
    assertThat(logged.tenant()).isEqualTo(alice.tenant());
    assertThat(logged.channel()).isEqualTo(Channel.PHONE);
    assertThat(logged.direction()).isEqualTo(Direction.INBOUND);
    assertThat(logged.summary()).isEqualTo("asked about the invoice");
    assertThat(logged.outcome()).isEqualTo("sent a copy");
    assertThat(logged.followUpDue()).isEqualTo(due);
    assertThat(logged.followUpDoneAt()).isNull();
    assertThat(logged.followUpOpen()).isTrue();
    assertThat(logged.occurredAt()).isEqualTo(clock.instant());
    assertThat(logged.actorUserId()).isEqualTo("alice");
    assertThat(logged.version()).isEqualTo(1);
    assertThat(logged.createdAt()).isEqualTo(clock.instant());
    assertThat(crm.interactions().get(alice, logged.id())).contains(logged);

    List<Event> events = notifier.events("interaction");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo("interaction.logged");
      assertThat(e.aggregateId()).isEqualTo(logged.id());
      assertThat(e.aggregateVersion()).isEqualTo(1);
      assertThat(e.tenant()).isEqualTo(alice.tenant());
      assertThat(e.data().get("customerId").asText()).isEqualTo(customerId);
      assertThat(e.data().get("channel").asText()).isEqualTo("PHONE");
    });
  }

  @Test
  void anExplicitOccurredAtIsKept() {
    Instant earlier = T0.minus(Duration.ofHours(3));

    Interaction logged = crm.interactions().log(alice, log(customerId, earlier));

    assertThat(logged.occurredAt()).isEqualTo(earlier);
    assertThat(logged.createdAt()).isEqualTo(T0);
  }

  @Test
  void anUnknownCustomerIsRejectedOnCustomerIdAndNothingIsWritten() {
    long changesBefore = store.changes(alice.tenant(), 0, 1000).size();

    assertThatThrownBy(() -> crm.interactions().log(alice, log("no-such-customer", null)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule).containsExactly(
                org.assertj.core.groups.Tuple.tuple("customerId", "customer.exists")));

    assertThat(store.changes(alice.tenant(), 0, 1000)).hasSize((int) changesBefore);
    assertThat(crm.interactions().count(alice, Criteria.all())).isZero();
    assertThat(notifier.events("interaction")).isEmpty();
  }

  @Test
  void aBlankSummaryAndAMissingChannelAreReportedTogether() {
    LogInteraction bad = new LogInteraction(customerId, null, Direction.OUTBOUND, null, " ", null, null);

    assertThatThrownBy(() -> crm.interactions().log(alice, bad))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path).containsExactlyInAnyOrder("channel", "summary"));
    assertThat(crm.interactions().count(alice, Criteria.all())).isZero();
  }

  @Test
  void bindingAndDomainViolationsAreMerged() {
    LogInteraction bad = new LogInteraction("no-such-customer", Channel.EMAIL, Direction.OUTBOUND, null, "", null,
        null);

    assertThatThrownBy(() -> crm.interactions().log(alice, bad))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("summary", "NotBlank"),
                org.assertj.core.groups.Tuple.tuple("customerId", "customer.exists")));
  }

  @Test
  void completingAFollowUpClosesItOnceAndFlipsTheOpenIndex() {
    Interaction withFollowUp = crm.interactions().log(alice, new LogInteraction(customerId, Channel.EMAIL,
        Direction.OUTBOUND, null, "sent the quote", null, T0.plus(Duration.ofDays(1))));
    Interaction without = crm.interactions().log(alice, log(customerId, null));
    assertThat(openFollowUps()).containsExactly(withFollowUp.id());
    assertThat(crm.interactions().count(alice, Criteria.eq(InteractionFields.FOLLOW_UP_OPEN, false))).isEqualTo(1);

    clock.advance(Duration.ofHours(20));
    Interaction done = crm.interactions().completeFollowUp(alice, withFollowUp.id());

    assertThat(done.followUpDoneAt()).isEqualTo(clock.instant());
    assertThat(done.followUpOpen()).isFalse();
    assertThat(done.version()).isEqualTo(2);
    assertThat(done.updatedAt()).isEqualTo(clock.instant());
    assertThat(openFollowUps()).isEmpty();
    assertThat(crm.interactions().count(alice, Criteria.eq(InteractionFields.FOLLOW_UP_OPEN, false))).isEqualTo(2);
    assertThat(notifier.types("interaction"))
        .containsExactly("interaction.logged", "interaction.logged", "interaction.follow-up-completed");

    // Again, later: nothing changes, nothing is written, nothing is announced.
    long changes = store.changes(alice.tenant(), 0, 1000).size();
    long outbox = store.read(alice.tenant(), Outbox.STREAM, 0, 1000).size();
    clock.advance(Duration.ofHours(1));
    Interaction again = crm.interactions().completeFollowUp(alice, withFollowUp.id());
    Interaction noFollowUp = crm.interactions().completeFollowUp(alice, without.id());

    assertThat(again).isEqualTo(done);
    assertThat(noFollowUp).isEqualTo(without);
    assertThat(crm.interactions().get(alice, withFollowUp.id())).contains(done);
    assertThat(store.changes(alice.tenant(), 0, 1000)).hasSize((int) changes);
    assertThat(store.read(alice.tenant(), Outbox.STREAM, 0, 1000)).hasSize((int) outbox);
    assertThat(notifier.types("interaction")).hasSize(3);
  }

  @Test
  void pagesByCustomerNewestFirstAddUpToTheWholeList() {
    Random random = new Random(42);
    List<Interaction> mine = new ArrayList<>();
    String other = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Other").build()).id();
    for (int i = 0; i < 23; i++) {
      // Random times with deliberate ties: the id breaks them, and paging must neither skip nor repeat.
      Instant at = T0.minus(Duration.ofMinutes(random.nextInt(10)));
      mine.add(crm.interactions().log(alice, log(customerId, at)));
      crm.interactions().log(alice, log(other, at));
    }
    Criteria ofCustomer = Criteria.eq(InteractionFields.CUSTOMER_ID, customerId);
    Sort newestFirst = Sort.desc(InteractionFields.OCCURRED_AT);

    List<Interaction> whole = crm.interactions().find(alice, Query.of(ofCustomer, newestFirst, 1000)).items();
    List<Interaction> paged = new ArrayList<>();
    Query q = Query.of(ofCustomer, newestFirst, 5);
    int pages = 0;
    while (true) {
      Page<Interaction> page = crm.interactions().find(alice, q);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(5);
      paged.addAll(page.items());
      pages++;
      if (!page.hasNext()) {
        break;
      }
      q = q.after(page.nextCursor());
    }

    assertThat(pages).isBetween(5, 6);
    assertThat(whole).hasSize(23).containsExactlyInAnyOrderElementsOf(mine);
    assertThat(whole).isSortedAccordingTo(Comparator.comparing(Interaction::occurredAt).reversed());
    assertThat(paged).containsExactlyElementsOf(whole);
  }

  @Test
  void findsByATimeRangeHalfOpen() {
    List<Interaction> hourly = new ArrayList<>();
    for (int h = 0; h < 10; h++) {
      hourly.add(crm.interactions().log(alice, log(customerId, T0.plus(Duration.ofHours(h)))));
    }
    Criteria window = Criteria.between(InteractionFields.OCCURRED_AT, T0.plus(Duration.ofHours(2)),
        T0.plus(Duration.ofHours(5)));

    Page<Interaction> page = crm.interactions().find(alice,
        Query.of(window, Sort.asc(InteractionFields.OCCURRED_AT), 100));

    assertThat(page.items()).containsExactlyElementsOf(hourly.subList(2, 5));
    assertThat(crm.interactions().count(alice, window)).isEqualTo(3);
    assertThat(crm.interactions().count(alice, Criteria.and(window,
        Criteria.eq(InteractionFields.CUSTOMER_ID, "someone-else")))).isZero();
  }

  @Test
  void anotherTenantSeesNoneOfThem() {
    crm.interactions().log(alice, log(customerId, null));
    Actor stranger = Actor.of("globex", "bob");

    assertThat(crm.interactions().count(stranger, Criteria.all())).isZero();
    assertThatThrownBy(() -> crm.interactions().log(stranger, log(customerId, null)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("customerId");
  }

  private List<String> openFollowUps() {
    return crm.interactions().find(alice, Query.of(Criteria.eq(InteractionFields.FOLLOW_UP_OPEN, true),
        Sort.byId(), 100)).items().stream().map(Interaction::id).toList();
  }

  private static LogInteraction log(String customer, @Nullable Instant at) {
    return new LogInteraction(customer, Channel.CHAT, Direction.INBOUND, at, "chat about delivery dates", null, null);
  }
}
