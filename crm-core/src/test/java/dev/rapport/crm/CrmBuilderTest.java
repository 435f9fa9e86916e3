package dev.rapport.crm;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.approval.ApprovalGate;
import dev.rapport.crm.approval.GateDecision;
import dev.rapport.crm.approval.ParkedCommands;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.fixture.StreamAudit;
import dev.rapport.crm.interaction.Interaction;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.interaction.LogInteraction;
import dev.rapport.crm.lifecycle.Lifecycle;
import dev.rapport.crm.lifecycle.Transition;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.MutableClock;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.servicecase.OpenCase;
import dev.rapport.crm.servicecase.ServiceCase;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrmBuilderTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final TenantId GLOBEX = TenantId.of("globex");
  private static final Set<String> DOMAIN_COLLECTIONS =
      Set.of(CustomerFields.COLLECTION, InteractionFields.COLLECTION, CaseFields.COLLECTION);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-04-01T10:00:00Z"));
  private final InMemoryStore store = InMemoryStore.create(clock);
  private final Actor alice = Actor.of(ACME, "alice");

  // ------------------------------------------------------------------ wiring

  @Test
  void buildNamesEveryMissingRequiredPartInOneMessage() {
    assertThatThrownBy(() -> Crm.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(".store(")
        .hasMessageContaining(".accessPolicy(")
        .hasMessageContaining(".audit(");
    assertThatThrownBy(() -> Crm.builder().store(store).audit(AuditRecorder.none()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(".accessPolicy(")
        .hasMessageNotContaining(".store(")
        .hasMessageNotContaining(".audit(");
  }

  @Test
  void eachRequiredPartCanBeSetOnlyOnce() {
    Crm.Builder b = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none());

    assertThatThrownBy(() -> b.store(InMemoryStore.create(clock))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store");
    assertThatThrownBy(() -> b.accessPolicy(AccessPolicy.allowAll())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("accessPolicy");
    assertThatThrownBy(() -> b.audit(AuditRecorder.none())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("audit");
    b.clock(clock);
    assertThatThrownBy(() -> b.clock(clock)).isInstanceOf(IllegalStateException.class);
    b.approvals(ApprovalGate.none());
    assertThatThrownBy(() -> b.approvals(ApprovalGate.none())).isInstanceOf(IllegalStateException.class);
    // every other setting too, each named in the message
    java.util.Map<String, Runnable> twice = new java.util.LinkedHashMap<>();
    twice.put("retryPolicy", () -> b.retryPolicy(dev.rapport.crm.notify.RetryPolicy.ofDefaults()));
    twice.put("nodeId", () -> b.nodeId("n1"));
    twice.put("leaseTtl", () -> b.leaseTtl(Duration.ofSeconds(5)));
    twice.put("lifecycle", () -> b.lifecycle(Lifecycle.standard()));
    twice.put("lifecycle of tenant globex", () -> b.lifecycle(GLOBEX, Lifecycle.standard()));
    twice.put("customFields", () -> b.customFields(dev.rapport.crm.customer.CustomFieldSchema.none()));
    twice.put("customFields of tenant globex",
        () -> b.customFields(GLOBEX, dev.rapport.crm.customer.CustomFieldSchema.none()));
    twice.put("sla", () -> b.sla(dev.rapport.crm.servicecase.SlaPolicy.standard()));
    twice.put("directory", () -> b.directory(dev.rapport.crm.directory.Directory.none()));
    twice.put("publishOn", () -> b.publishOn(Runnable::run));
    twice.put("publishAfterCommit", () -> b.publishAfterCommit(true));
    twice.forEach((name, set) -> {
      set.run();
      assertThatThrownBy(set::run).as(name).isInstanceOf(IllegalStateException.class)
          .hasMessage(name + " was already set");
    });
    b.lifecycle(TenantId.of("initech"), Lifecycle.standard()); // another tenant is another setting
    // The first values stand: the builder still builds.
    assertThat(b.build().store()).isSameAs(store);
  }

  @Test
  void nullIsRejectedWhenGivenNotAtBuild() {
    Crm.Builder b = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD);
    assertThatThrownBy(() -> b.store(null)).isInstanceOf(NullPointerException.class).hasMessage("store");
    assertThatThrownBy(() -> b.accessPolicy(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("accessPolicy");
    assertThatThrownBy(() -> b.audit(null)).isInstanceOf(NullPointerException.class).hasMessage("audit");
    assertThatThrownBy(() -> b.notifier(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.lifecycle(GLOBEX, null)).isInstanceOf(NullPointerException.class);
    // A rejected null does not count as set.
    b.store(store);
  }

  @Test
  void aTenantsOwnLifecycleAppliesToThatTenantOnly() {
    Lifecycle sales = Lifecycle.builder("NEW")
        .transition(Transition.of("NEW", "QUALIFIED"))
        .transition(Transition.of("QUALIFIED", "WON"))
        .build();
    Crm crm = crm(AccessPolicy.allowAll(), AuditRecorder.none(), ApprovalGate.none(), b -> b.lifecycle(GLOBEX, sales));
    Actor bob = Actor.of(GLOBEX, "bob");

    Customer atGlobex = crm.customers().create(bob, person("Grace Hopper"));
    Customer atAcme = crm.customers().create(alice, person("Ada Lovelace"));
    assertThat(atGlobex.stage()).isEqualTo("NEW");
    assertThat(atAcme.stage()).isEqualTo("LEAD");

    assertThat(crm.customers().changeStage(bob, atGlobex.id(), "QUALIFIED", null).stage()).isEqualTo("QUALIFIED");
    assertThat(crm.customers().changeStage(alice, atAcme.id(), "PROSPECT", null).stage()).isEqualTo("PROSPECT");
    assertThatThrownBy(() -> crm.customers().changeStage(alice, atAcme.id(), "QUALIFIED", null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::rule).containsExactly("stage.unknown"));
    assertThatThrownBy(() -> crm.customers().changeStage(bob, atGlobex.id(), "ACTIVE", null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::rule).containsExactly("stage.unknown"));
  }

  // ------------------------------------------------------------------ access

  @Test
  void aDeniedCommandThrowsWithTheDecidingRulesWritesNothingAndIsAudited() {
    AccessPolicy noEdits = new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        return action == Action.EDIT ? Decision.deny("forbid-credit-edits", "role:sales")
            : Decision.allow("permit-sales");
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        return DataFilter.always();
      }
    };
    Crm crm = crm(noEdits, new StreamAudit(), ApprovalGate.none(), b -> b);
    Customer c = crm.customers().create(alice, person("Ada Lovelace"));
    int changes = store.changes(ACME, 0, 1000).size();
    int events = outbox().size();
    int audits = audit().size();

    assertThatThrownBy(() -> crm.customers().changeCreditLimit(alice, c.id(), Money.of("5000", "EUR"), "raise"))
        .isInstanceOfSatisfying(AccessDeniedException.class, e ->
            assertThat(e.decidingRules()).containsExactly("forbid-credit-edits", "role:sales"));

    assertThat(store.changes(ACME, 0, 1000)).hasSize(changes);
    assertThat(outbox()).hasSize(events);
    assertThat(crm.customers().require(alice, c.id())).isEqualTo(c);
    List<StreamRecord> newAudit = audit().subList(audits, audit().size());
    assertThat(newAudit).singleElement().satisfies(r -> {
      assertThat(r.payload().get("outcome").asText()).isEqualTo("DENIED");
      assertThat(r.payload().get("command").asText()).isEqualTo("customer.change-credit-limit");
      assertThat(r.payload().get("resourceId").asText()).isEqualTo(c.id());
      assertThat(r.payload().get("actor").asText()).isEqualTo("alice");
      assertThat(r.payload().get("decidingRules")).extracting(n -> n.asText())
          .containsExactly("forbid-credit-edits", "role:sales");
    });
  }

  @Test
  void theDataFilterIsAppliedToFindAndCount() {
    Crm writer = crm(AccessPolicy.allowAll(), AuditRecorder.none(), ApprovalGate.none(), b -> b);
    Customer berlin = writer.customers().create(alice, personIn("Hans", "EMEA"));
    Customer paris = writer.customers().create(alice, personIn("Claire", "EMEA"));
    writer.customers().create(alice, personIn("Wang Fang", "APAC"));
    writer.customers().create(alice, person("Nobody Knows"));

    Crm emeaOnly = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).clock(clock).audit(AuditRecorder.none())
        .accessPolicy(filtering(DataFilter.where(Criteria.eq(CustomerFields.REGION, "EMEA")))).build();
    Page<Customer> page = emeaOnly.customers().find(alice, Query.of(Criteria.all(), Sort.asc(CustomerFields.NAME), 100));

    assertThat(page.items()).extracting(Customer::id).containsExactly(paris.id(), berlin.id());
    assertThat(emeaOnly.customers().count(alice, Criteria.all())).isEqualTo(2);
    assertThat(emeaOnly.customers().count(alice, Criteria.prefix(CustomerFields.NAME, "Wang"))).isZero();
    assertThat(writer.customers().count(alice, Criteria.all())).isEqualTo(4);

    Crm nothing = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).clock(clock).audit(AuditRecorder.none())
        .accessPolicy(filtering(DataFilter.never())).build();
    Page<Customer> none = nothing.customers().find(alice, Query.of(Criteria.all(), Sort.byId(), 100));
    assertThat(none.items()).isEmpty();
    assertThat(none.hasNext()).isFalse();
    assertThat(nothing.customers().count(alice, Criteria.all())).isZero();
  }

  // ------------------------------------------------------------------ approvals

  @Test
  void aGateParksLargeCreditLimitsAndWritesNothingWhileSmallOnesApply() {
    AtomicInteger requests = new AtomicInteger();
    ApprovalGate above100k = request -> {
      if (!request.command().name().equals("customer.change-credit-limit")) {
        return GateDecision.proceed();
      }
      BigDecimal amount = new BigDecimal(request.command().payload().path("creditLimit").path("amount").asText());
      return amount.compareTo(new BigDecimal("100000")) > 0
          ? GateDecision.park("apr-" + requests.incrementAndGet(), "credit limit above 100000", List.of())
          : GateDecision.proceed();
    };
    Crm crm = crm(AccessPolicy.allowAll(), new StreamAudit(), above100k, b -> b);
    Customer c = crm.customers().create(alice, person("Ada Lovelace"));
    int changes = store.changes(ACME, 0, 1000).size();
    int events = outbox().size();
    int audits = audit().size();

    assertThatThrownBy(() -> crm.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOfSatisfying(ApprovalPendingException.class, e -> {
          assertThat(e.requestId()).isEqualTo("apr-1");
          assertThat(e.getMessage()).contains("credit limit above 100000");
        });
    // the customer is untouched: the only document written is the parked command, under its request id
    assertThat(store.changes(ACME, 0, 1000).subList(changes, store.changes(ACME, 0, 1000).size())).singleElement()
        .satisfies(ch -> {
          assertThat(ch.collection()).isEqualTo(ParkedCommands.COLLECTION);
          assertThat(ch.id()).isEqualTo("apr-1");
        });
    assertThat(crm.parkedCommands().find(ACME, "apr-1")).hasValueSatisfying(p -> {
      assertThat(p.resourceId()).isEqualTo(c.id());
      assertThat(p.expectedVersion()).isEqualTo(1L);
    });
    assertThat(outbox()).hasSize(events);
    // the parked command is recorded as such, with its request
    assertThat(audit().subList(audits, audit().size())).singleElement().satisfies(r -> {
      assertThat(r.payload().get("outcome").asText()).isEqualTo("PARKED");
      assertThat(r.payload().get("requestId").asText()).isEqualTo("apr-1");
      assertThat(r.payload().get("resourceVersion").asLong()).isEqualTo(1);
    });
    assertThat(crm.customers().require(alice, c.id()).creditLimit()).isNull();

    Customer raised = crm.customers().changeCreditLimit(alice, c.id(), Money.of("100000", "CNY"), "review");
    assertThat(raised.creditLimit()).isEqualTo(Money.of("100000", "CNY"));
    assertThat(raised.version()).isEqualTo(2);
    assertThat(requests).hasValue(1);
  }

  // ------------------------------------------------------------------ the invariant

  @Test
  void nothingChangesWithoutAnAuditRecordAndAnEvent() {
    Crm crm = crm(AccessPolicy.allowAll(), new StreamAudit(), ApprovalGate.none(), b -> b);
    Customer ada = crm.customers().create(alice, person("Ada Lovelace"));
    Customer grace = crm.customers().create(alice, personIn("Grace Hopper", "EMEA"));
    crm.customers().changeStage(alice, ada.id(), "PROSPECT", null);
    crm.customers().tag(alice, ada.id(), "segment/vip/gold");
    crm.customers().tag(alice, ada.id(), "segment/vip/gold"); // no change: nothing may be recorded
    crm.customers().assignOwner(alice, ada.id(), "bob");
    crm.customers().changeCreditLimit(alice, ada.id(), Money.of("50000", "EUR"), "first order");
    crm.customers().update(alice, grace.id(), CustomerPatch.builder().grade("A").build());
    crm.customers().delete(alice, grace.id(), "duplicate");
    crm.customers().delete(alice, grace.id(), "duplicate"); // no change
    crm.customers().restore(alice, grace.id());
    Interaction call = crm.interactions().log(alice, new LogInteraction(ada.id(), Interaction.Channel.PHONE,
        Interaction.Direction.OUTBOUND, null, "welcome call", null, clock.instant().plus(Duration.ofDays(1))));
    crm.interactions().completeFollowUp(alice, call.id());
    ServiceCase sc = crm.cases().open(alice, new OpenCase(ada.id(), "Late delivery", null,
        ServiceCase.Priority.HIGH, null));
    crm.cases().start(alice, sc.id());
    crm.cases().resolve(alice, sc.id(), "re-shipped");
    assertThatThrownBy(() -> crm.cases().close(alice, "no-such-case")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> crm.cases().reopen(alice, sc.id(), " ")).isInstanceOf(ValidationException.class);
    int successfulChanges = 14;

    List<Change> changes = store.changes(ACME, 0, 1000).stream()
        .filter(ch -> DOMAIN_COLLECTIONS.contains(ch.collection())).toList();
    List<StreamRecord> audit = audit();
    List<Event> events = outbox().stream().map(r -> Event.fromJson(r.payload())).toList();

    assertThat(changes).hasSize(successfulChanges);
    assertThat(audit).hasSize(successfulChanges);
    assertThat(events).hasSize(successfulChanges);
    for (Change ch : changes) {
      assertThat(audit).filteredOn(r -> r.payload().path("resourceId").asText().equals(ch.id())
              && r.payload().path("resourceVersion").asLong() == ch.version())
          .as("audit record of %s", ch).singleElement()
          .satisfies(r -> assertThat(r.payload().get("outcome").asText()).isEqualTo("APPLIED"));
      assertThat(events).filteredOn(e -> e.aggregateId().equals(ch.id()) && e.aggregateVersion() == ch.version())
          .as("event of %s", ch).hasSize(1);
    }
    // The audit record and the event of one change share the command's correlation id.
    for (Event e : events) {
      assertThat(audit).filteredOn(r -> r.payload().path("resourceId").asText().equals(e.aggregateId())
          && r.payload().path("resourceVersion").asLong() == e.aggregateVersion())
          .singleElement().satisfies(r ->
              assertThat(r.payload().get("correlationId").asText()).isEqualTo(e.correlationId()));
    }
  }

  // ------------------------------------------------------------------ helpers

  private Crm crm(AccessPolicy policy, AuditRecorder audit, ApprovalGate gate,
                  java.util.function.UnaryOperator<Crm.Builder> more) {
    return more.apply(Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).accessPolicy(policy).audit(audit).approvals(gate).clock(clock))
        .build();
  }

  private static AccessPolicy filtering(DataFilter filter) {
    return new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        return Decision.allow("test");
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        return filter;
      }
    };
  }

  private List<StreamRecord> audit() {
    return store.read(ACME, StreamAudit.STREAM, 0, 1000);
  }

  private List<StreamRecord> outbox() {
    return store.read(ACME, Outbox.STREAM, 0, 1000);
  }

  private static CustomerData person(String name) {
    return CustomerData.builder(CustomerKind.PERSON, name).build();
  }

  private static CustomerData personIn(String name, String region) {
    return CustomerData.builder(CustomerKind.PERSON, name).region(region).build();
  }
}
