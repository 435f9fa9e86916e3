package dev.rapport.crm.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.fixture.StreamAudit;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The audit port as crm-audit will use it: typed entries (changes with their outcome, refusals, reads and exports),
 * the acting user and whom they act for, and the positions of committed records in commit order.
 */
class AuditPortTest {
  private static final TenantId ACME = TenantId.of("acme");
  private final InMemoryStore store = InMemoryStore.create();
  private final Actor sync = Actor.of(ACME, "integration").onBehalfOf("alice");

  @Test
  void theRecorderIsToldWhereItsRecordsLandedInCommitOrder() {
    StreamAudit audit = new StreamAudit();
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(audit).build();
    Customer c = crm.customers().create(sync, person("Ada"));
    crm.customers().changeStage(sync, c.id(), "PROSPECT", "qualified");
    crm.customers().assignOwner(sync, c.id(), "bob");

    List<StreamRecord> stored = store.read(ACME, StreamAudit.STREAM, 0, 100);
    assertThat(audit.committed).extracting(StreamRecord::position)
        .isEqualTo(stored.stream().map(StreamRecord::position).toList())
        .isSorted().doesNotHaveDuplicates();
    assertThat(audit.committed).extracting(StreamRecord::id).isEqualTo(stored.stream().map(StreamRecord::id).toList());
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.payload().get("outcome").asText()).isEqualTo("APPLIED");
      assertThat(r.payload().get("actor").asText()).isEqualTo("integration");
      assertThat(r.payload().get("onBehalfOf").asText()).isEqualTo("alice");
    });
  }

  @Test
  void readsAndExportsAreEntriesOfTheirOwnOnePerCall() {
    List<AuditEntry> entries = new CopyOnWriteArrayList<>();
    AuditRecorder keep = entry -> {
      entries.add(entry);
      return List.of();
    };
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(keep).build();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(crm.customers().create(sync, person("P" + i)).id());
    }
    entries.clear();

    crm.customers().get(sync, ids.get(3));
    crm.customers().find(sync, Query.of(Criteria.all(), Sort.byId(), 5));
    crm.customers().export(sync, Query.of(Criteria.all(), Sort.byId(), 50));

    assertThat(entries).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOf(AuditEntry.Read.class));
    List<AuditEntry.Read> reads = entries.stream().map(AuditEntry.Read.class::cast).toList();
    assertThat(reads.get(0).resourceIds()).containsExactly(ids.get(3));
    assertThat(reads.get(0).action()).isEqualTo(Action.VIEW);
    assertThat(reads.get(1).resourceIds()).isEqualTo(ids.subList(0, 5));
    assertThat(reads.get(1).query()).contains("Sort");
    assertThat(reads.get(2).action()).isEqualTo(Action.EXPORT);
    assertThat(reads.get(2).resourceIds()).isEqualTo(ids);
    assertThat(reads).allSatisfy(r -> {
      assertThat(r.resourceType()).isEqualTo("customer");
      assertThat(r.actor().onBehalfOf()).isEqualTo("alice");
      assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    });
  }

  @Test
  void aChangeEntryCarriesBothStatesTheVersionTheReasonAndTheRules() {
    List<AuditEntry> entries = new CopyOnWriteArrayList<>();
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(entry -> {
      entries.add(entry);
      return List.of(new WriteBatch.Append("audit", UUID.randomUUID().toString(), "audit",
          JsonNodeFactory.instance.objectNode()));
    }).build();
    Customer c = crm.customers().create(sync, person("Ada"));
    entries.clear();
    crm.customers().changeStage(sync, c.id(), "PROSPECT", "qualified");

    assertThat(entries).singleElement().isInstanceOfSatisfying(AuditEntry.Change.class, e -> {
      assertThat(e.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(e.command()).isEqualTo("customer.change-stage");
      assertThat(e.resourceVersion()).isEqualTo(2);
      assertThat(e.before().get("stage").asText()).isEqualTo("LEAD");
      assertThat(e.after().get("stage").asText()).isEqualTo("PROSPECT");
      assertThat(e.reason()).isEqualTo("qualified");
      assertThat(e.decidingRules()).containsExactly("allow-all");
      assertThat(e.approval()).isNull();
    });
  }

  private static CustomerData person(String name) {
    return CustomerData.builder(CustomerKind.PERSON, name).build();
  }
}
