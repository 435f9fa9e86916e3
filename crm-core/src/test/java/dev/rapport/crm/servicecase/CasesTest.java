package dev.rapport.crm.servicecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.fixture.RecordingNotifier;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.MutableClock;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.ServiceCase.Priority;
import dev.rapport.crm.servicecase.ServiceCase.Sentiment;
import dev.rapport.crm.servicecase.ServiceCase.Status;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CasesTest {
  private static final Instant T0 = Instant.parse("2025-03-03T09:00:00Z");

  /** The SLA the docs promise for {@link SlaPolicy#standard()}, written out independently of the code. */
  private static final Map<Priority, Duration> STANDARD_SLA = Map.of(Priority.URGENT, Duration.ofHours(4),
      Priority.HIGH, Duration.ofDays(1), Priority.NORMAL, Duration.ofDays(3), Priority.LOW, Duration.ofDays(7));

  /** The status moves documented on {@link Cases}. */
  private static final Map<Status, Set<Status>> ALLOWED = Map.of(
      Status.OPEN, EnumSet.of(Status.IN_PROGRESS, Status.RESOLVED),
      Status.IN_PROGRESS, EnumSet.of(Status.RESOLVED),
      Status.RESOLVED, EnumSet.of(Status.CLOSED, Status.OPEN),
      Status.CLOSED, EnumSet.of(Status.OPEN));

  private final MutableClock clock = new MutableClock(T0);
  private final RecordingNotifier notifier = new RecordingNotifier();
  private final Crm crm = crm(clock, notifier);
  private final Actor agent = Actor.of("acme", "agent-7");
  private String customerId = "";

  @BeforeEach
  void createCustomer() {
    customerId = customer(crm, agent);
  }

  @ParameterizedTest
  @EnumSource(Priority.class)
  void openSetsTheSlaDueFromThePriority(Priority priority) {
    ServiceCase c = crm.cases().open(agent, open(customerId, priority));

    assertThat(c.status()).isEqualTo(Status.OPEN);
    assertThat(c.slaDue()).isEqualTo(T0.plus(STANDARD_SLA.get(priority)));
    assertThat(c.reopenCount()).isZero();
    assertThat(c.version()).isEqualTo(1);
    assertThat(crm.cases().get(agent, c.id())).contains(c);
  }

  @Test
  void openingForAnUnknownCustomerIsRejected() {
    assertThatThrownBy(() -> crm.cases().open(agent, open("nobody", Priority.HIGH)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule).containsExactly(tuple("customerId", "customer.exists")));
    assertThat(crm.cases().count(agent, Criteria.all())).isZero();
  }

  @Test
  void reopenRestartsTheSlaAndCountsTheReopening() {
    ServiceCase c = crm.cases().open(agent, open(customerId, Priority.NORMAL));
    clock.advance(Duration.ofDays(1));
    ServiceCase resolved = crm.cases().resolve(agent, c.id(), "replaced the unit");
    assertThat(resolved.resolvedAt()).isEqualTo(clock.instant());
    assertThat(resolved.resolution()).isEqualTo("replaced the unit");
    clock.advance(Duration.ofDays(4));

    ServiceCase reopened = crm.cases().reopen(agent, c.id(), "fault came back");

    assertThat(reopened.status()).isEqualTo(Status.OPEN);
    assertThat(reopened.reopenCount()).isEqualTo(1);
    assertThat(reopened.slaDue()).isEqualTo(clock.instant().plus(Duration.ofDays(3)));
    assertThat(reopened.resolvedAt()).isNull();

    crm.cases().resolve(agent, c.id(), "replaced the board");
    crm.cases().close(agent, c.id());
    assertThat(crm.cases().reopen(agent, c.id(), "again").reopenCount()).isEqualTo(2);
  }

  @Test
  void reopeningNeedsAReason() {
    ServiceCase c = crm.cases().open(agent, open(customerId, Priority.LOW));
    crm.cases().resolve(agent, c.id(), "done");

    assertThatThrownBy(() -> crm.cases().reopen(agent, c.id(), " "))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path).containsExactly("reason"));
    assertThat(crm.cases().get(agent, c.id()).orElseThrow().status()).isEqualTo(Status.RESOLVED);
  }

  @Test
  void ratingOnlyOnceResolvedOrClosedAndOnlyOneToFive() {
    ServiceCase c = crm.cases().open(agent, open(customerId, Priority.HIGH));
    assertThatThrownBy(() -> crm.cases().rate(agent, c.id(), 4, null, null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule).containsExactly(tuple("csat", "case.rate.status")));

    crm.cases().resolve(agent, c.id(), "explained the tariff");
    for (int bad : new int[] {0, 6}) {
      assertThatThrownBy(() -> crm.cases().rate(agent, c.id(), bad, Sentiment.NEUTRAL, null))
          .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
              .extracting(Violation::path).containsExactly("csat"));
    }
    assertThat(crm.cases().get(agent, c.id()).orElseThrow().csat()).isNull();

    ServiceCase rated = crm.cases().rate(agent, c.id(), 5, Sentiment.POSITIVE, "quick and friendly");
    assertThat(rated.csat()).isEqualTo(5);
    assertThat(rated.sentiment()).isEqualTo(Sentiment.POSITIVE);
    assertThat(rated.feedback()).isEqualTo("quick and friendly");
    assertThat(crm.cases().count(agent, Criteria.eq(CaseFields.CSAT, 5L))).isEqualTo(1);

    crm.cases().close(agent, c.id());
    assertThat(crm.cases().rate(agent, c.id(), 1, Sentiment.NEGATIVE, "changed my mind").csat()).isEqualTo(1);
  }

  @Test
  void anOutOfRangeScoreOnAnOpenCaseReportsBothProblems() {
    ServiceCase c = crm.cases().open(agent, open(customerId, Priority.HIGH));

    assertThatThrownBy(() -> crm.cases().rate(agent, c.id(), 0, null, null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::rule).containsExactlyInAnyOrder("Min", "case.rate.status"));
  }

  @Test
  void overdueListsOpenAndInProgressCasesPastDueMostOverdueFirst() {
    ServiceCase urgentOpen = crm.cases().open(agent, open(customerId, Priority.URGENT));
    clock.advance(Duration.ofMinutes(1));
    ServiceCase urgentStarted = crm.cases().open(agent, open(customerId, Priority.URGENT));
    crm.cases().start(agent, urgentStarted.id());
    clock.advance(Duration.ofMinutes(1));
    ServiceCase urgentResolved = crm.cases().open(agent, open(customerId, Priority.URGENT));
    crm.cases().resolve(agent, urgentResolved.id(), "fixed at once");
    clock.advance(Duration.ofMinutes(1));
    ServiceCase normal = crm.cases().open(agent, open(customerId, Priority.NORMAL));
    ServiceCase low = crm.cases().open(agent, open(customerId, Priority.LOW));

    assertThat(ids(crm.cases().overdue(agent, 100))).isEmpty();
    // Exactly at the due time a case is not yet overdue.
    clock.advance(Duration.between(clock.instant(), urgentOpen.slaDue()));
    assertThat(ids(crm.cases().overdue(agent, 100))).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(ids(crm.cases().overdue(agent, 100))).containsExactly(urgentOpen.id());

    clock.advance(Duration.ofDays(3));
    Page<ServiceCase> all = crm.cases().overdue(agent, 100);
    assertThat(ids(all)).containsExactly(urgentOpen.id(), urgentStarted.id(), normal.id());
    assertThat(all.items()).allSatisfy(c -> assertThat(c.isOverdue(clock.instant())).isTrue());
    assertThat(ids(crm.cases().overdue(agent, 2))).containsExactly(urgentOpen.id(), urgentStarted.id());
    assertThat(crm.cases().overdue(agent, 2).hasNext()).isTrue();
    assertThat(low.isOverdue(clock.instant())).isFalse();
  }

  @Test
  void eachStepIsAnnouncedInOrder() {
    ServiceCase c = crm.cases().open(agent, open(customerId, Priority.HIGH));
    crm.cases().assign(agent, c.id(), "agent-9");
    crm.cases().start(agent, c.id());
    crm.cases().resolve(agent, c.id(), "reset the router");
    crm.cases().rate(agent, c.id(), 4, Sentiment.POSITIVE, null);
    crm.cases().close(agent, c.id());
    crm.cases().reopen(agent, c.id(), "no signal again");
    // Assigning to the same person again changes nothing and announces nothing.
    crm.cases().assign(agent, c.id(), "agent-9");

    List<Event> events = notifier.events("case");
    assertThat(events).extracting(Event::type).containsExactly("case.opened", "case.assigned", "case.started",
        "case.resolved", "case.rated", "case.closed", "case.reopened");
    assertThat(events).extracting(Event::aggregateVersion).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.aggregateId()).isEqualTo(c.id());
      assertThat(e.data().get("customerId").asText()).isEqualTo(customerId);
    });
    assertThat(events).extracting(e -> e.data().get("status").asText())
        .containsExactly("OPEN", "OPEN", "IN_PROGRESS", "RESOLVED", "RESOLVED", "CLOSED", "OPEN");
  }

  // ------------------------------------------------------------------ property: the status machine

  enum Op {
    START(Status.IN_PROGRESS), RESOLVE(Status.RESOLVED), CLOSE(Status.CLOSED), REOPEN(Status.OPEN);

    final Status target;

    Op(Status target) {
      this.target = target;
    }
  }

  private static final MutableClock PROPERTY_CLOCK = new MutableClock(T0);
  private static final Crm PROPERTY_CRM = crm(PROPERTY_CLOCK, new RecordingNotifier());
  private static final Actor PROPERTY_ACTOR = Actor.of("acme", "agent-p");
  private static final String PROPERTY_CUSTOMER = customer(PROPERTY_CRM, PROPERTY_ACTOR);

  @Property(tries = 200)
  void everyOperationSucceedsExactlyWhenTheMoveIsAllowed(@ForAll("ops") List<Op> ops,
                                                         @ForAll Priority priority) {
    Cases cases = PROPERTY_CRM.cases();
    ServiceCase c = cases.open(PROPERTY_ACTOR, open(PROPERTY_CUSTOMER, priority));
    int reopens = 0;
    for (Op op : ops) {
      PROPERTY_CLOCK.advance(Duration.ofMinutes(7));
      ServiceCase before = cases.get(PROPERTY_ACTOR, c.id()).orElseThrow();
      boolean allowed = ALLOWED.get(before.status()).contains(op.target);
      if (allowed) {
        ServiceCase after = apply(cases, op, c.id());
        assertThat(after.status()).isEqualTo(op.target);
        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(cases.get(PROPERTY_ACTOR, c.id())).contains(after);
        if (op == Op.REOPEN) {
          reopens++;
          assertThat(after.slaDue()).isEqualTo(PROPERTY_CLOCK.instant().plus(STANDARD_SLA.get(priority)));
        } else {
          assertThat(after.slaDue()).isEqualTo(before.slaDue());
        }
        assertThat(after.reopenCount()).isEqualTo(reopens);
      } else {
        assertThatThrownBy(() -> apply(cases, op, c.id()))
            .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                .extracting(Violation::path, Violation::rule)
                .containsExactly(tuple("status", "case.status.transition")));
        assertThat(cases.get(PROPERTY_ACTOR, c.id())).contains(before);
      }
    }
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(12);
  }

  private static ServiceCase apply(Cases cases, Op op, String id) {
    switch (op) {
      case START:
        return cases.start(PROPERTY_ACTOR, id);
      case RESOLVE:
        return cases.resolve(PROPERTY_ACTOR, id, "resolved in a property test");
      case CLOSE:
        return cases.close(PROPERTY_ACTOR, id);
      case REOPEN:
        return cases.reopen(PROPERTY_ACTOR, id, "reopened in a property test");
      default:
        throw new AssertionError(op);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static Crm crm(MutableClock clock, RecordingNotifier notifier) {
    return Crm.builder().store(InMemoryStore.create(clock)).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).clock(clock).notifier(notifier).publishOn(Runnable::run).build();
  }

  private static String customer(Crm crm, Actor actor) {
    return crm.customers().create(actor, CustomerData.builder(CustomerKind.ORGANIZATION, "Acme Trading").build())
        .id();
  }

  private static OpenCase open(String customerId, Priority priority) {
    return new OpenCase(customerId, "Router drops the line", "every evening since Monday", priority, null);
  }

  private static List<String> ids(Page<ServiceCase> page) {
    return page.items().stream().map(ServiceCase::id).toList();
  }
}
