package dev.rapport.crm.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ApprovalPendingException;
import dev.rapport.crm.error.ApprovalRejectedException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.fixture.StreamAudit;
import dev.rapport.crm.module.CrmModule;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.MutableClock;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The approval port as crm-workflow will use it: a parked command is stored with its request in the same commit
 * as its audit record, resumed later from what was stored — on another node — at most once per request, and the
 * gate can tell its own re-execution apart and can reject.
 */
class ApprovalPortTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
  private static final CollectionSpec REQUESTS = CollectionSpec.of("test_approval_requests",
      IndexSpec.single("status", IndexType.STRING));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-04T08:00:00Z"));
  private final InMemoryStore store = InMemoryStore.create(clock);
  private final Actor alice = Actor.of(ACME, "alice").withRoles("sales").withAttribute("region", "CN-East")
      .onBehalfOf("erp-sync");

  /** Parks credit limits above 100,000 as a request document holding the command; a module with a collection. */
  private static final class ThresholdGate implements ApprovalGate, CrmModule {
    final AtomicInteger ids = new AtomicInteger();
    final List<GateRequest> seen = new CopyOnWriteArrayList<>();
    boolean parkResumed;
    String rejectWith;

    @Override
    public String name() {
      return "test-approvals";
    }

    @Override
    public List<CollectionSpec> collections() {
      return List.of(REQUESTS);
    }

    @Override
    public GateDecision evaluate(GateRequest request) {
      seen.add(request);
      if (rejectWith != null) {
        return new GateDecision.Reject(rejectWith, List.of("locked-by-pending"), "apr-0");
      }
      if (!request.command().name().equals("customer.change-credit-limit")
          || (request.resuming() != null && !parkResumed)) {
        return GateDecision.proceed();
      }
      BigDecimal amount = new BigDecimal(request.after().path("creditLimit").path("amount").asText("0"));
      if (amount.compareTo(new BigDecimal("100000")) <= 0) {
        return GateDecision.proceed();
      }
      String id = "apr-" + ids.incrementAndGet();
      ObjectNode body = JSON.createObjectNode().put("status", "PENDING");
      body.set("command", JSON.valueToTree(request.command()));
      Document doc = new Document(id, 1, body, Map.of("status", List.of("PENDING")));
      return GateDecision.park(id, "credit limit above 100000",
          List.of(new WriteBatch.Insert(REQUESTS.name(), doc)));
    }
  }

  private final ThresholdGate gate = new ThresholdGate();
  private final StreamAudit audit = new StreamAudit();
  private final Crm node1 = node("node-1", gate, audit);

  private Crm node(String name, ApprovalGate g, StreamAudit a) {
    return Crm.builder().store(store).clock(clock).nodeId(name).accessPolicy(AccessPolicy.allowAll()).audit(a)
        .approvals(g).build();
  }

  @Test
  void aParkedCommandIsStoredWithItsRequestAndItsAuditRecordInOneCommit() {
    Customer c = node1.customers().create(alice, acme());
    int audits = audit().size();

    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOfSatisfying(ApprovalPendingException.class, e -> assertThat(e.requestId()).isEqualTo("apr-1"));

    Document request = store.get(ACME, REQUESTS.name(), "apr-1").orElseThrow();
    assertThat(request.body().path("command").path("name").asText()).isEqualTo("customer.change-credit-limit");
    List<StreamRecord> parked = audit().subList(audits, audit().size());
    assertThat(parked).singleElement().satisfies(r -> {
      assertThat(r.payload().get("outcome").asText()).isEqualTo("PARKED");
      assertThat(r.payload().get("requestId").asText()).isEqualTo("apr-1");
      assertThat(r.payload().get("onBehalfOf").asText()).isEqualTo("erp-sync");
    });
    // one commit: the request document and the audit record came in at the same change-feed commit
    assertThat(store.changes(ACME, 0, 100)).filteredOn(ch -> ch.collection().equals(REQUESTS.name())).hasSize(1);
    assertThat(node1.customers().require(alice, c.id()).creditLimit()).isNull();
  }

  @Test
  void whenTheGatesWriteFailsNothingOfTheParkIsWritten() {
    Customer c = node1.customers().create(alice, acme());
    store.commit(ACME, WriteBatch.builder().insert(REQUESTS.name(), new Document("apr-1", 1,
        JSON.createObjectNode(), Map.of())).build());
    int audits = audit().size();

    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(audit()).hasSize(audits);
  }

  @Test
  void anotherNodeResumesTheStoredCommandExactlyOnce() throws Exception {
    Customer c = node1.customers().create(alice, acme());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class);
    int events = store.read(ACME, Outbox.STREAM, 0, 100).size();

    // node 2 knows nothing of node 1's call: only what was stored
    ThresholdGate gate2 = new ThresholdGate();
    StreamAudit audit2 = new StreamAudit();
    Crm node2 = node("node-2", gate2, audit2);
    ParkedCommand stored = node2.parkedCommands().find(ACME, "apr-1").orElseThrow();
    assertThat(stored).isEqualTo(JSON.treeToValue(store.get(ACME, REQUESTS.name(), "apr-1").orElseThrow().body()
        .get("command"), ParkedCommand.class));
    assertThat(stored.actor()).isEqualTo(alice);
    assertThat(stored.expectedVersion()).as("parked against the version it was checked on").isEqualTo(1L);
    clock.advance(java.time.Duration.ofHours(2));
    Approval approval = new Approval("apr-1", List.of("carol", "dave"), clock.instant());

    ParkedCommands.Resumed first = node2.parkedCommands().resume(ACME, approval);

    assertThat(first.status()).isEqualTo(ParkedCommands.Resumed.Status.APPLIED);
    assertThat(first.version()).isEqualTo(2);
    Customer after = node2.customers().require(alice, c.id());
    assertThat(after.creditLimit()).isEqualTo(Money.of("250000", "CNY"));
    assertThat(after.updatedBy()).isEqualTo("alice");
    // the gate saw that this run was its own request's re-execution
    assertThat(gate2.seen).singleElement().satisfies(r -> assertThat(r.resuming()).isEqualTo(approval));
    // audited as approved, with the approvers, and announced like any change
    assertThat(audit()).last().satisfies(r -> {
      assertThat(r.payload().get("outcome").asText()).isEqualTo("APPROVED");
      assertThat(r.payload().get("requestId").asText()).isEqualTo("apr-1");
      assertThat(r.payload().get("approvers")).extracting(n -> n.asText()).containsExactly("carol", "dave");
      assertThat(r.payload().get("resourceVersion").asLong()).isEqualTo(2);
    });
    assertThat(store.read(ACME, Outbox.STREAM, 0, 100)).hasSize(events + 1);

    // again, on either node: it ran already, nothing more is written
    assertThat(node1.parkedCommands().resume(ACME, approval).status())
        .isEqualTo(ParkedCommands.Resumed.Status.ALREADY_RUN);
    assertThat(node2.parkedCommands().resume(ACME, approval).status())
        .isEqualTo(ParkedCommands.Resumed.Status.ALREADY_RUN);
    assertThat(node2.customers().require(alice, c.id()).version()).isEqualTo(2);
    assertThat(store.read(ACME, Outbox.STREAM, 0, 100)).hasSize(events + 1);
  }

  @Test
  void theGatesOwnWritesGoInTheRunsCommitAndAConflictOnThemWritesNothing() {
    Customer c = node1.customers().create(alice, acme());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class)
        .satisfies(e -> assertThat(e.getStackTrace()).as("an outcome, not a fault").isEmpty());
    Document request = store.get(ACME, REQUESTS.name(), "apr-1").orElseThrow();
    Approval approval = new Approval("apr-1", List.of("carol"), clock.instant());
    int events = store.read(ACME, Outbox.STREAM, 0, 100).size();

    // a stale write of the gate's (version 1 again, as if another decision had come first): nothing is written
    Document stale = new Document("apr-1", 2, request.body().deepCopy().put("status", "LOST"), Map.of());
    store.commit(ACME, WriteBatch.builder().update(REQUESTS.name(), stale).build());
    assertThatThrownBy(() -> node1.parkedCommands().resume(ACME, approval,
        (outcome, batch) -> batch.update(REQUESTS.name(), new Document("apr-1", 2, request.body(), Map.of()))))
        .isInstanceOf(dev.rapport.crm.error.VersionConflictException.class);
    assertThat(node1.customers().require(alice, c.id()).version()).isEqualTo(1);
    assertThat(store.read(ACME, Outbox.STREAM, 0, 100)).hasSize(events);

    List<ParkedCommands.Resumed> told = new ArrayList<>();
    ParkedCommands.Resumed ran = node1.parkedCommands().resume(ACME, approval, (outcome, batch) -> {
      told.add(outcome);
      batch.update(REQUESTS.name(), new Document("apr-1", 3, stale.body().deepCopy().put("status", "RAN")
          .put("version", outcome.version()), Map.of()));
    });

    assertThat(ran.status()).isEqualTo(ParkedCommands.Resumed.Status.APPLIED);
    assertThat(told).containsExactly(new ParkedCommands.Resumed(ParkedCommands.Resumed.Status.APPLIED, c.id(), 2));
    assertThat(store.get(ACME, REQUESTS.name(), "apr-1").orElseThrow().body().path("version").asLong()).isEqualTo(2);
    assertThat(node1.parkedCommands().resume(ACME, approval, (outcome, batch) -> told.add(outcome)).status())
        .isEqualTo(ParkedCommands.Resumed.Status.ALREADY_RUN);
    assertThat(told).hasSize(1);
  }

  @Test
  void aParkedCreationResumesOnceWithTheIdItWasParkedWith() {
    ApprovalGate everyCreate = request -> request.resuming() != null ? GateDecision.proceed()
        : GateDecision.park("apr-create", "new customers need approval", List.of());
    Crm crm = node("node-c", everyCreate, audit);
    List<ParkedCommand> parked = new ArrayList<>();
    ApprovalGate capture = request -> {
      if (request.resuming() == null) {
        parked.add(request.command());
      }
      return everyCreate.evaluate(request);
    };
    Crm capturing = node("node-d", capture, audit);
    assertThatThrownBy(() -> capturing.customers().create(alice, acme())).isInstanceOf(ApprovalPendingException.class);
    ParkedCommand cmd = parked.get(0);
    Approval ok = new Approval("apr-create", List.of("carol"), clock.instant());

    assertThat(crm.parkedCommands().resume(ACME, ok).status()).isEqualTo(ParkedCommands.Resumed.Status.APPLIED);
    assertThat(crm.customers().require(alice, cmd.resourceId()).name().defaultValue()).isEqualTo("Acme 贸易");
    assertThat(crm.parkedCommands().resume(ACME, ok).status()).isEqualTo(ParkedCommands.Resumed.Status.ALREADY_RUN);
  }

  @Test
  void aGateThatParksItsOwnResumptionIsRefused() {
    Customer c = node1.customers().create(alice, acme());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class);
    ParkedCommand stored = gate.seen.get(gate.seen.size() - 1).command();
    gate.parkResumed = true;
    assertThat(stored.name()).isEqualTo("customer.change-credit-limit");
    assertThatThrownBy(() -> node1.parkedCommands().resume(ACME, new Approval("apr-1", List.of("carol"),
        clock.instant()))).isInstanceOf(IllegalStateException.class).hasMessageContaining("apr-1");
    assertThat(node1.customers().require(alice, c.id()).creditLimit()).isNull();
  }

  @Test
  void theGateCanRejectAndTheRejectionIsAuditedAndChangesNothing() {
    Customer c = node1.customers().create(alice, acme());
    int audits = audit().size();
    gate.rejectWith = "customer is locked by a pending request";

    assertThatThrownBy(() -> node1.customers().assignOwner(alice, c.id(), "bob"))
        .isInstanceOfSatisfying(ApprovalRejectedException.class, e -> {
          assertThat(e.rules()).containsExactly("locked-by-pending");
          assertThat(e.requestId()).isEqualTo("apr-0");
          assertThat(e.code()).isEqualTo("APPROVAL_REJECTED");
        });
    assertThat(node1.customers().require(alice, c.id()).owner()).isNull();
    assertThat(audit().subList(audits, audit().size())).singleElement()
        .satisfies(r -> assertThat(r.payload().get("outcome").asText()).isEqualTo("REJECTED"));
  }

  @Test
  void twoNodesResumingAtOnceRunTheCommandOnce() throws Exception {
    Customer c = node1.customers().create(alice, acme());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class);
    Crm node2 = node("node-2", new ThresholdGate(), new StreamAudit());
    Approval approval = new Approval("apr-1", List.of("carol"), clock.instant());
    int events = store.read(ACME, Outbox.STREAM, 0, 100).size();

    List<ParkedCommands.Resumed.Status> statuses = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (Crm node : List.of(node1, node2, node1, node2)) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          statuses.add(node.parkedCommands().resume(ACME, approval).status());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(statuses).containsExactlyInAnyOrder(ParkedCommands.Resumed.Status.APPLIED,
        ParkedCommands.Resumed.Status.ALREADY_RUN, ParkedCommands.Resumed.Status.ALREADY_RUN,
        ParkedCommands.Resumed.Status.ALREADY_RUN);
    assertThat(node1.customers().require(alice, c.id()).version()).isEqualTo(2);
    assertThat(store.read(ACME, Outbox.STREAM, 0, 100)).hasSize(events + 1);
  }

  @Test
  void aCommandWhoseRecordChangedAfterItWasParkedIsNotAppliedToTheNewState() {
    Customer c = node1.customers().create(alice, acme());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class);
    node1.customers().changeCreditLimit(alice, c.id(), Money.of("80000", "CNY"), "interim");

    assertThatThrownBy(() -> node1.parkedCommands().resume(ACME, new Approval("apr-1", List.of("carol"),
        clock.instant()))).isInstanceOf(dev.rapport.crm.error.VersionConflictException.class);
    assertThat(node1.customers().require(alice, c.id()).creditLimit()).isEqualTo(Money.of("80000", "CNY"));
  }

  @Test
  void onlyWhatWasParkedCanBeResumedAndOnlyInItsTenant() {
    Customer c = node1.customers().create(alice, acme());
    assertThatThrownBy(() -> node1.customers().changeCreditLimit(alice, c.id(), Money.of("250000", "CNY"), "review"))
        .isInstanceOf(ApprovalPendingException.class);
    Approval approval = new Approval("apr-1", List.of("carol"), clock.instant());

    assertThatThrownBy(() -> node1.parkedCommands().resume(ACME, new Approval("apr-7", List.of(), clock.instant())))
        .isInstanceOf(dev.rapport.crm.error.NotFoundException.class).hasMessageContaining("apr-7");
    assertThatThrownBy(() -> node1.parkedCommands().resume(TenantId.of("globex"), approval))
        .isInstanceOf(dev.rapport.crm.error.NotFoundException.class);
    assertThat(node1.parkedCommands().find(TenantId.of("globex"), "apr-1")).isEmpty();
    assertThat(node1.customers().require(alice, c.id()).creditLimit()).isNull();
  }

  @Test
  void resumingAnUnknownCommandNamesTheKnownOnes() {
    ParkedCommand bogus = new ParkedCommand("customer.teleport", "customer", "x", null, JSON.createObjectNode(),
        alice, "corr", null);
    ObjectNode body = JSON.createObjectNode().put("status", "PARKED");
    body.set("command", JSON.valueToTree(bogus));
    store.commit(ACME, WriteBatch.builder().insert(ParkedCommands.COLLECTION,
        new Document("apr-9", 1, body, Map.of("status", List.of("PARKED")))).build());
    assertThatThrownBy(() -> node1.parkedCommands().resume(ACME, new Approval("apr-9", List.of(), clock.instant())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("customer.teleport").hasMessageContaining("customer.change-credit-limit");
    assertThat(node1.parkedCommands().names()).contains("customer.create", "interaction.log", "case.open");
  }

  private List<StreamRecord> audit() {
    return store.read(ACME, StreamAudit.STREAM, 0, 1000);
  }

  private static CustomerData acme() {
    return CustomerData.builder(CustomerKind.ORGANIZATION, "Acme 贸易").email("sales@acme.example").build();
  }
}
