package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {
  private final MutableClock clock = MutableClock.at("2026-03-01T08:00:00Z");
  private final Store store = InMemoryStore.create(clock);
  private final AuditTrail audit = AuditTrail.builder().blockSize(3).build();
  private final Crm crm = crm(store, audit, AccessPolicy.allowAll());
  private final Actor alice = Actor.of("acme", "alice");

  private Crm crm(Store s, AuditTrail trail, AccessPolicy policy) {
    return Crm.builder().store(s).accessPolicy(policy).audit(trail).clock(clock).build();
  }

  /** The records as stored, their content parsed. */
  private List<StreamRecord> records() {
    return store.read(alice.tenant(), AuditTrail.STREAM, 0, 1000).stream().map(r -> new StreamRecord(r.stream(),
        r.position(), r.id(), r.type(), StoredForm.view(r.payload()), r.recordedAt())).toList();
  }

  private static Map<String, JsonNode> changes(StreamRecord r) {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    r.payload().path("changes").forEach(c -> out.put(c.path("field").asText(), c));
    return out;
  }

  private Customer hangzhouTea() {
    return crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "杭州茶业")
        .region("CN-East").tag("tea").tag("export").email("li@hz-tea.cn").build());
  }

  @Test
  void everyCommandWritesOneRecordWithItsFieldChanges() {
    Customer c = hangzhouTea();
    assertThat(records()).singleElement().satisfies(r -> {
      ObjectNode p = r.payload();
      assertThat(r.type()).isEqualTo("audit.change");
      assertThat(p.path("actor").asText()).isEqualTo("alice");
      assertThat(p.path("outcome").asText()).isEqualTo("APPLIED");
      assertThat(p.path("action").asText()).isEqualTo("CREATE");
      assertThat(p.path("resourceId").asText()).isEqualTo(c.id());
      assertThat(p.path("resourceVersion").asLong()).isEqualTo(1);
      assertThat(p.path("at").asText()).isEqualTo("2026-03-01T08:00:00Z");
      Map<String, JsonNode> changes = changes(r);
      assertThat(changes.get("name.default").path("new").asText()).isEqualTo("杭州茶业");
      assertThat(changes.get("name.default").has("old")).isFalse();
      // bookkeeping is the record's own (actor, time, version); an empty list is no change
      assertThat(changes).doesNotContainKeys("version", "updatedAt", "updatedBy", "addresses", "phones");
      assertThat(changes.get("tags").path("added")).extracting(JsonNode::asText)
          .containsExactlyInAnyOrder("tea", "export");
    });

    clock.advance(Duration.ofMinutes(5));
    crm.customers().update(alice, c.id(), CustomerPatch.builder().name("杭州茶业集团").region("CN-South").build());
    crm.customers().tag(alice, c.id(), "premium");
    crm.customers().untag(alice, c.id(), "export");
    crm.customers().changeCreditLimit(alice, c.id(), Money.of("250000.00", "CNY"), "annual review");
    List<StreamRecord> all = records();
    assertThat(all).hasSize(5);

    Map<String, JsonNode> update = changes(all.get(1));
    assertThat(update.get("name.default").path("old").asText()).isEqualTo("杭州茶业");
    assertThat(update.get("name.default").path("new").asText()).isEqualTo("杭州茶业集团");
    assertThat(update).containsOnlyKeys("name.default", "region");
    assertThat(update.get("region").path("new").asText()).isEqualTo("CN-South");
    assertThat(all.get(1).payload().path("resourceVersion").asLong()).isEqualTo(2);

    assertThat(changes(all.get(2)).get("tags").path("added")).extracting(JsonNode::asText)
        .containsExactly("premium");
    assertThat(changes(all.get(2)).get("tags").path("removed")).isEmpty();
    assertThat(changes(all.get(3)).get("tags").path("removed")).extracting(JsonNode::asText)
        .containsExactly("export");
    assertThat(all.get(4).payload().path("reason").asText()).isEqualTo("annual review");
    assertThat(changes(all.get(4)).keySet()).anySatisfy(f -> assertThat(f).startsWith("creditLimit"));
    // nothing but what changed: the region did not change in the credit limit's record
    assertThat(changes(all.get(4))).doesNotContainKey("region");
  }

  /** Runs {@code command} and returns the records it wrote. */
  private List<StreamRecord> written(Runnable command) {
    long before = records().size();
    command.run();
    List<StreamRecord> all = records();
    return all.subList((int) before, all.size());
  }

  private void exactlyOne(String command, String resourceId, Runnable run) {
    assertThat(written(run)).as(command).singleElement().satisfies(r -> {
      assertThat(r.payload().path("command").asText()).isEqualTo(command);
      assertThat(r.payload().path("resourceId").asText()).isEqualTo(resourceId);
      assertThat(r.payload().path("outcome").asText()).isEqualTo("APPLIED");
      assertThat(r.payload().path("changes")).as(command + " changes").isNotEmpty();
    });
  }

  @Test
  void everyCommandOfEveryServiceWritesExactlyOneRecordAndANoOpNone() {
    Customer c = hangzhouTea();
    String id = c.id();
    exactlyOne("customer.change-stage", id, () -> crm.customers().changeStage(alice, id, "PROSPECT", "called"));
    exactlyOne("customer.assign-owner", id, () -> crm.customers().assignOwner(alice, id, "li.wei"));
    exactlyOne("customer.delete", id, () -> crm.customers().delete(alice, id, "duplicate"));
    assertThat(written(() -> crm.customers().delete(alice, id, "duplicate"))).isEmpty();   // nothing changed
    exactlyOne("customer.restore", id, () -> crm.customers().restore(alice, id));
    CustomerData erp = CustomerData.builder(CustomerKind.ORGANIZATION, "Lyon Textiles").region("EU-West").build();
    List<StreamRecord> upsert = written(() -> crm.customers().upsertByExternalRef(alice, "SAP", "0042", erp));
    assertThat(upsert).singleElement().satisfies(r -> assertThat(r.payload().path("action").asText())
        .isEqualTo("CREATE"));
    assertThat(written(() -> crm.customers().upsertByExternalRef(alice, "SAP", "0042", erp))).isEmpty();

    String[] interaction = new String[1];
    assertThat(written(() -> interaction[0] = crm.interactions().log(alice, new dev.rapport.crm.interaction
        .LogInteraction(id, dev.rapport.crm.interaction.Interaction.Channel.PHONE,
        dev.rapport.crm.interaction.Interaction.Direction.OUTBOUND, null, "welcome call", null,
        clock.instant().plus(Duration.ofDays(1)))).id())).singleElement()
        .satisfies(r -> assertThat(r.payload().path("resourceType").asText()).isEqualTo("interaction"));
    exactlyOne("interaction.complete-follow-up", interaction[0],
        () -> crm.interactions().completeFollowUp(alice, interaction[0]));

    String[] sc = new String[1];
    assertThat(written(() -> sc[0] = crm.cases().open(alice, new dev.rapport.crm.servicecase.OpenCase(id,
        "Late delivery", null, dev.rapport.crm.servicecase.ServiceCase.Priority.HIGH, null)).id()))
        .singleElement().satisfies(r -> assertThat(r.payload().path("resourceType").asText()).isEqualTo("case"));
    exactlyOne("case.assign", sc[0], () -> crm.cases().assign(alice, sc[0], "sam"));
    exactlyOne("case.start", sc[0], () -> crm.cases().start(alice, sc[0]));
    exactlyOne("case.resolve", sc[0], () -> crm.cases().resolve(alice, sc[0], "re-shipped"));
    exactlyOne("case.rate", sc[0], () -> crm.cases().rate(alice, sc[0], 4, null, "quick"));
    exactlyOne("case.close", sc[0], () -> crm.cases().close(alice, sc[0]));
    exactlyOne("case.reopen", sc[0], () -> crm.cases().reopen(alice, sc[0], "came back"));

    // one record per successful change: as many as the change feed holds domain writes
    long domainWrites = store.changes(alice.tenant(), 0, 1000).stream()
        .filter(ch -> List.of("customers", "interactions", "cases").contains(ch.collection())).count();
    assertThat(records()).hasSize((int) domainWrites);
  }

  @Test
  void aFailedCommandWritesNoRecord() {
    Customer c = hangzhouTea();
    assertThatThrownBy(() -> crm.customers().update(alice, c.id(), CustomerPatch.builder().name(" ").build()))
        .isInstanceOf(ValidationException.class);
    assertThat(records()).hasSize(1);
  }

  @Test
  void aDeniedCommandWritesItsDenialOnly() {
    AccessPolicy readOnly = new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        return action == Action.VIEW ? Decision.allow("read-only") : Decision.deny("read-only");
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        return DataFilter.always();
      }
    };
    Crm guarded = crm(store, audit, readOnly);
    assertThatThrownBy(() -> guarded.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada")
        .build())).isInstanceOf(AccessDeniedException.class);
    assertThat(records()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo("audit.denied");
      assertThat(r.payload().path("outcome").asText()).isEqualTo("DENIED");
      assertThat(r.payload().path("decidingRules")).extracting(JsonNode::asText).containsExactly("read-only");
    });
  }

  @Test
  void exportsAreRecordedOnePerCallAndReadsOnlyOfTheTypesAsked() {
    Customer c = hangzhouTea();
    hangzhouTea();
    dev.rapport.crm.query.Query all = dev.rapport.crm.query.Query.of(dev.rapport.crm.query.Criteria.all(),
        dev.rapport.crm.query.Sort.byId(), 50);
    crm.customers().require(alice, c.id());
    crm.customers().find(alice, all);
    assertThat(records()).hasSize(2);                                     // the two creations only
    crm.customers().export(alice, all);
    assertThat(records()).hasSize(3).last().satisfies(r -> {
      assertThat(r.type()).isEqualTo("audit.read");
      assertThat(r.payload().path("action").asText()).isEqualTo("EXPORT");
      assertThat(r.payload().path("resourceIds")).hasSize(2);            // one record for the whole page
    });

    AuditTrail readsToo = AuditTrail.builder().recordReadsOf("customer").build();
    Crm watched = crm(store, readsToo, AccessPolicy.allowAll());
    watched.customers().require(alice, c.id());
    watched.customers().find(alice, all);
    assertThat(records()).hasSize(5).last().satisfies(r -> {
      assertThat(r.payload().path("action").asText()).isEqualTo("VIEW");
      assertThat(r.payload().path("resourceIds")).hasSize(2);
    });
  }

  @Test
  void readsOfSensitiveFieldsAreRecordedOnlyWhenShownInClearOnePerPage() {
    Customer c = hangzhouTea();
    hangzhouTea();
    int before = records().size();
    // interns see e-mail addresses masked and credit limits not at all; everyone else sees them in clear
    AccessPolicy policy = new AccessPolicy() {
      @Override
      public dev.rapport.crm.access.Decision check(Actor actor, dev.rapport.crm.access.Action action,
                                                   dev.rapport.crm.access.Resource resource) {
        return actor.roles().contains("intern")
            ? dev.rapport.crm.access.Decision.allow(dev.rapport.crm.access.FieldAccess.all()
                .withReadable(dev.rapport.crm.access.FieldSet.of("name", "emails", "region", "tags"))
                .withMask("emails", dev.rapport.crm.access.Mask.email()), "intern")
            : dev.rapport.crm.access.Decision.allow("staff");
      }

      @Override
      public dev.rapport.crm.access.DataFilter filter(Actor actor, dev.rapport.crm.access.Action action,
                                                      dev.rapport.crm.access.ResourceType type) {
        return dev.rapport.crm.access.DataFilter.always();
      }
    };
    AuditTrail sensitive = AuditTrail.builder().recordReadsOfFields("customer", "emails", "creditLimit").build();
    Crm watched = crm(store, sensitive, policy);
    dev.rapport.crm.query.Query all = dev.rapport.crm.query.Query.of(dev.rapport.crm.query.Criteria.all(),
        dev.rapport.crm.query.Sort.byId(), 50);
    Actor intern = alice.withRoles("intern");

    watched.customers().require(intern, c.id());
    watched.customers().find(intern, all);
    watched.customers().count(alice, dev.rapport.crm.query.Criteria.all());
    assertThat(records()).as("nothing sensitive shown in clear, or no field shown at all").hasSize(before);

    watched.customers().find(alice, all);
    assertThat(records()).hasSize(before + 1).last().satisfies(r -> {
      assertThat(r.type()).isEqualTo("audit.read");
      assertThat(r.payload().path("action").asText()).isEqualTo("VIEW");
      assertThat(r.payload().path("resourceIds")).hasSize(2);            // one record for the whole page
      assertThat(r.payload().path("sensitiveFields")).extracting(JsonNode::asText)
          .containsExactly("creditLimit", "emails");
    });
    watched.customers().require(alice, c.id());
    assertThat(records()).hasSize(before + 2);

    assertThatThrownBy(() -> crm(store, AuditTrail.builder().recordReadsOfFields("customer", "salary").build(),
        policy)).isInstanceOf(dev.rapport.crm.error.ValidationException.class)
        .hasMessageContaining("'customer' has no field 'salary'");
  }

  @Test
  void sealedRecordsVerifyAndEveryBlockIsACheckpoint(@TempDir Path dir) {
    Path file = dir.resolve("checkpoints.jsonl");
    AuditTrail witnessed = AuditTrail.builder().blockSize(3).witness(CheckpointWitness.file(file)).build();
    Crm c = crm(store, witnessed, AccessPolicy.allowAll());
    for (int i = 0; i < 7; i++) {
      c.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Person " + i).build());
    }
    assertThat(witnessed.sealPending()).containsOnlyKeys(alice.tenant());
    AuditTrail.Seal seal = witnessed.seal(alice.tenant());
    assertThat(seal.records()).isZero();   // nothing left
    assertThat(witnessed.verify(alice.tenant())).satisfies(v -> {
      assertThat(v.intact()).isTrue();
      assertThat(v.records()).isEqualTo(7);
      assertThat(v.sealed()).isEqualTo(7);
      assertThat(v.blocks()).isEqualTo(3);   // 3 + 3 + 1
    });
    assertThat(CheckpointWitness.file(file).latest(alice.tenant())).hasValueSatisfying(cp -> {
      assertThat(cp.block()).isEqualTo(3);
      assertThat(cp.records()).isEqualTo(7);
    });

    // records after the last block verify against their own hashes, and are sealed on the next run
    c.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Late").build());
    assertThat(witnessed.verify(alice.tenant()).sealed()).isEqualTo(7);
    assertThat(witnessed.verify(alice.tenant()).intact()).isTrue();
    assertThat(witnessed.sealPending().get(alice.tenant()).records()).isEqualTo(1);
    assertThat(witnessed.verify(alice.tenant()).sealed()).isEqualTo(8);
  }

  @Test
  void aNodeSealsNothingWhileAnotherHoldsTheLeaseAndTheLeaseIsFreeAfterASeal() {
    hangzhouTea();
    AuditTrail other = AuditTrail.builder().blockSize(3).build();
    Crm node2 = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(other).clock(clock)
        .nodeId("node-2").build();
    assertThat(audit.seal(alice.tenant()).leaseHeld()).isTrue();
    // released at the end of a seal: the other node seals at once
    node2.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada").build());
    assertThat(other.seal(alice.tenant())).satisfies(s -> {
      assertThat(s.leaseHeld()).isTrue();
      assertThat(s.records()).isEqualTo(1);
    });
    // a sealer busy elsewhere holds it: nothing sealed here, the tenant stays pending
    store.tryAcquire(alice.tenant(), AuditTrail.LEASE, "node-3", Duration.ofSeconds(30)).orElseThrow();
    node2.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Grace").build());
    assertThat(other.seal(alice.tenant()).leaseHeld()).isFalse();
    assertThat(other.sealPending()).containsOnlyKeys(alice.tenant());
    assertThat(other.sealPending().get(alice.tenant()).leaseHeld()).isFalse();
    clock.advance(Duration.ofMinutes(1));                                // node 3's lease expires
    assertThat(other.sealPending().get(alice.tenant()).records()).isEqualTo(1);
    assertThat(other.verify(alice.tenant()).sealed()).isEqualTo(3);
  }


  @Test
  void recordsKeepTheClientContextOfTheirThread() {
    try (ClientContext.Scope scope = ClientContext.of("203.0.113.7", null, "web").open()) {
      hangzhouTea();
    }
    hangzhouTea();
    List<StreamRecord> all = records();
    assertThat(all.get(0).payload().path("client").path("ip").asText()).isEqualTo("203.0.113.7");
    assertThat(all.get(0).payload().path("client").path("channel").asText()).isEqualTo("web");
    assertThat(all.get(0).payload().path("client").has("userAgent")).isFalse();
    assertThat(all.get(1).payload().has("client")).isFalse();
    assertThat(audit.verify(alice.tenant()).intact()).isTrue();
  }

  @Test
  void aLongUserAgentIsCutWithoutSplittingACharacterAndTextNoStoreKeepsIsRefused() {
    // the 1,000th unit is the first half of an emoji: cut before it, not through it
    String agent = "a".repeat(999) + "🍵tail";
    assertThat(ClientContext.of(null, agent, null).userAgent()).isEqualTo("a".repeat(999));
    assertThat(ClientContext.of(null, "b".repeat(998) + "🍵tail", null).userAgent()).hasSize(1000).endsWith("🍵");
    assertThatThrownBy(() -> ClientContext.of("203.0.113.7\u0000", null, null))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(v -> v.path(), v -> v.rule()).containsExactly(tuple("client.ip", "text.control")));
  }

  @Test
  void securityEventsTheHostReportsAreRecordsOfTheirOwn() {
    AuditRecord r;
    try (ClientContext.Scope scope = ClientContext.of("2001:db8::1", "Mozilla/5.0", "web").open()) {
      r = audit.securityEvent(alice.tenant(), SecurityEvent.of(SecurityEvent.Type.LOGIN_FAILED, "li.wei")
          .with("reason", "bad-password"));
    }
    assertThat(r.kind()).isEqualTo("security");
    assertThat(r.actor()).isEqualTo("li.wei");
    assertThat(r.payload().path("event").asText()).isEqualTo("LOGIN_FAILED");
    assertThat(r.payload().path("details").path("reason").asText()).isEqualTo("bad-password");
    assertThat(r.payload().path("client").path("ip").asText()).isEqualTo("2001:db8::1");
    audit.securityEvent(alice.tenant(), SecurityEvent.of(SecurityEvent.Type.LOCKED_OUT, "li.wei"));

    assertThat(audit.sealPending()).containsOnlyKeys(alice.tenant());
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().kind("security").actor("li.wei")))
        .extracting(x -> x.payload().path("event").asText()).containsExactly("LOGIN_FAILED", "LOCKED_OUT");
    assertThat(audit.verify(alice.tenant()).intact()).isTrue();

    assertThatThrownBy(() -> SecurityEvent.of(SecurityEvent.Type.LOGIN_FAILED, "li.wei").with("note", "a\u0000b"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("securityEvent.details.note");
  }

  @Test
  void anAuditTrailOutsideACrmSaysHowToWireIt() {
    assertThatThrownBy(() -> AuditTrail.hashChained().verify(alice.tenant()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Crm.builder().audit(trail)");
  }

  @Test
  void theFileWitnessNamesALineItCannotRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.jsonl");
    Files.writeString(file, "{\"tenant\":\"acme\",\"block\":1,\"records\":3,\"lastPosition\":3,\"head\":\"00\","
        + "\"sealedAt\":\"2026-03-01T08:00:00Z\"}\n{\"tenant\":\"acme\",\"block\":2}\n");
    assertThatThrownBy(() -> CheckpointWitness.file(file).latest(alice.tenant()))
        .hasMessageContaining("line 2");
  }
}
