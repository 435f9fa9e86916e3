package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditHistoryTest {
  private final MutableClock clock = MutableClock.at("2026-03-01T08:00:00Z");
  private final Store store = InMemoryStore.create(clock);
  private final AuditTrail audit = AuditTrail.builder().blockSize(4).build();
  private final Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(audit).clock(clock)
      .build();
  private final Actor alice = Actor.of("acme", "alice");
  private final Actor wei = Actor.of("acme", "li.wei");

  /** The stored body as the trail rebuilds it: without bookkeeping, empty lists and empty objects. */
  private ObjectNode stored(String id) {
    ObjectNode body = store.get(alice.tenant(), CustomerFields.COLLECTION, id).orElseThrow().body().deepCopy();
    Diff.BOOKKEEPING.forEach(body::remove);
    prune(body);
    return body;
  }

  private static void prune(ObjectNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      JsonNode v = it.next().getValue();
      if (v.isObject()) {
        prune((ObjectNode) v);
      }
      if ((v.isArray() || v.isObject()) && v.isEmpty()) {
        it.remove();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void theStateAsOfAnyInstantIsTheStateTheCustomerHadThen(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "杭州茶业 " + seed)
        .region("CN-East").tag("tea").build());
    Map<Instant, ObjectNode> seen = new TreeMap<>();
    Instant created = clock.instant();
    seen.put(created, stored(c.id()));
    for (int step = 0; step < 25; step++) {
      clock.advance(Duration.ofMinutes(1 + random.nextInt(90)));
      Actor who = random.nextBoolean() ? alice : wei;
      switch (random.nextInt(7)) {
        case 0 -> crm.customers().update(who, c.id(), CustomerPatch.builder().name("名字 " + random.nextInt(1000))
            .build());
        case 1 -> crm.customers().update(who, c.id(), CustomerPatch.builder()
            .region(List.of("CN-East", "CN-South", "EU-West").get(random.nextInt(3))).build());
        case 2 -> crm.customers().tag(who, c.id(), "t" + random.nextInt(6));
        case 3 -> crm.customers().untag(who, c.id(), "t" + random.nextInt(6), "tea");
        case 4 -> crm.customers().changeCreditLimit(who, c.id(), Money.of(random.nextInt(1, 900) + "000.00", "CNY"),
            "review " + step);
        case 5 -> crm.customers().assignOwner(who, c.id(), random.nextBoolean() ? "alice" : "li.wei");
        default -> {
          crm.customers().delete(who, c.id(), "mistake");
          seen.put(clock.instant(), stored(c.id()));
          clock.advance(Duration.ofMinutes(3));
          crm.customers().restore(who, c.id());
        }
      }
      seen.put(clock.instant(), stored(c.id()));
      if (random.nextInt(5) == 0) {
        audit.seal(alice.tenant());          // part from the index, part from the unsealed tail
      }
    }
    assertThat(audit.stateAsOf(alice.tenant(), "customer", c.id(), created.minusSeconds(1))).isEmpty();
    Instant previous = null;
    for (Map.Entry<Instant, ObjectNode> e : seen.entrySet()) {
      assertThat(audit.stateAsOf(alice.tenant(), "customer", c.id(), e.getKey()))
          .as("as of %s", e.getKey()).hasValue(e.getValue());
      if (previous != null) {
        // just before a change: the state before it
        assertThat(audit.stateAsOf(alice.tenant(), "customer", c.id(), e.getKey().minusNanos(1)))
            .hasValue(seen.get(previous));
      }
      previous = e.getKey();
    }
  }

  @Test
  void versionsAndTheDiffBetweenTwo() {
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "Lyon Textiles")
        .region("EU-West").build());
    crm.customers().update(wei, c.id(), CustomerPatch.builder().name("Lyon Textiles SA").build());
    crm.customers().tag(alice, c.id(), "export");
    crm.customers().changeCreditLimit(alice, c.id(), Money.of("50000.00", "EUR"), "first order");
    audit.seal(alice.tenant());
    crm.customers().update(alice, c.id(), CustomerPatch.builder().region("EU-South").build());

    List<AuditRecord> versions = audit.versions(alice.tenant(), "customer", c.id());
    assertThat(versions).extracting(AuditRecord::resourceVersion).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(versions).extracting(AuditRecord::actor).containsExactly("alice", "li.wei", "alice", "alice", "alice");
    assertThat(versions.get(3).reason()).isEqualTo("first order");

    assertThat(audit.stateAt(alice.tenant(), "customer", c.id(), 2).orElseThrow().path("name").path("default")
        .asText()).isEqualTo("Lyon Textiles SA");
    assertThat(audit.diff(alice.tenant(), "customer", c.id(), 1, 5))
        .extracting(FieldChange::field)
        .containsExactlyInAnyOrder("name.default", "region", "tags", "creditLimit.amount", "creditLimit.currency");
    List<FieldChange> back = audit.diff(alice.tenant(), "customer", c.id(), 5, 4);
    assertThat(back).singleElement().satisfies(f -> {
      assertThat(f.field()).isEqualTo("region");
      assertThat(f.oldValue().asText()).isEqualTo("EU-South");
      assertThat(f.newValue().asText()).isEqualTo("EU-West");
    });
    assertThatThrownBy(() -> audit.diff(alice.tenant(), "customer", c.id(), 1, 9))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("version 9");
  }

  @Test
  void queriesByActorFieldTimeAndKindPageThroughSealedAndUnsealedRecords() {
    List<String> ids = new ArrayList<>();
    Instant start = clock.instant();
    for (int i = 0; i < 6; i++) {
      ids.add(crm.customers().create(i % 2 == 0 ? alice : wei, CustomerData.builder(CustomerKind.PERSON, "P" + i)
          .build()).id());
      clock.advance(Duration.ofHours(1));
    }
    for (String id : ids) {
      crm.customers().changeCreditLimit(wei, id, Money.of("1000.00", "CNY"), "limit");
    }
    audit.seal(alice.tenant());                                          // 12 records sealed
    crm.customers().changeCreditLimit(alice, ids.get(0), Money.of("2000.00", "CNY"), "raise");   // unsealed
    crm.customers().export(alice, dev.rapport.crm.query.Query.of(Criteria.all(),
        dev.rapport.crm.query.Sort.byId(), 10));                        // an export: kind read

    assertThat(store.count(alice.tenant(), AuditTrail.INDEX, Criteria.all())).isEqualTo(12);
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().actor("li.wei"))).hasSize(3 + 6);
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().changed("creditLimit.amount")))
        .extracting(AuditRecord::reason).containsExactly("limit", "limit", "limit", "limit", "limit", "limit", "raise");
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().kind("change").from(start.plus(Duration.ofHours(2)))
        .to(start.plus(Duration.ofHours(4))))).extracting(AuditRecord::resourceId).containsExactly(ids.get(2),
        ids.get(3));
    assertThat(audit.history(alice.tenant(), HistoryQuery.all().kind("read").action("EXPORT"))).hasSize(1);
    assertThat(audit.history(alice.tenant(), HistoryQuery.forResource("customer", ids.get(0))))
        .extracting(AuditRecord::command)
        .containsExactly("customer.create", "customer.change-credit-limit", "customer.change-credit-limit");

    // pages of 5 over all 14 records, across the sealed/unsealed boundary
    List<Long> positions = new ArrayList<>();
    HistoryQuery q = HistoryQuery.all().limit(5);
    for (List<AuditRecord> page; !(page = audit.history(alice.tenant(), q)).isEmpty(); ) {
      page.forEach(r -> positions.add(r.position()));
      q.after(page.get(page.size() - 1).position());
    }
    assertThat(positions).hasSize(14).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void revertMakesAnEarlierVersionTheNewOneThroughTheCommandPath() {
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "杭州茶业")
        .region("CN-East").tag("tea").email("li@hz-tea.cn").build());
    ObjectNode first = stored(c.id());
    clock.advance(Duration.ofMinutes(5));
    crm.customers().update(wei, c.id(), CustomerPatch.builder().name("Hangzhou Tea Co.").region("CN-South")
        .emails("sales@hz-tea.cn", "li@hz-tea.cn").build());
    crm.customers().tag(wei, c.id(), "export");
    crm.customers().changeCreditLimit(wei, c.id(), Money.of("90000", "CNY"), "big order");
    Customer fourth = crm.customers().assignOwner(wei, c.id(), "li.wei");
    audit.seal(alice.tenant());
    clock.advance(Duration.ofMinutes(5));

    Customer reverted = audit.revert(crm, alice, c.id(), 1, "wrong customer edited");
    assertThat(reverted.version()).isEqualTo(fourth.version() + 1);
    assertThat(stored(c.id())).isEqualTo(first);
    assertThat(reverted.name().defaultValue()).isEqualTo("杭州茶业");
    assertThat(reverted.createdAt()).isEqualTo(c.createdAt());
    AuditRecord record = audit.versions(alice.tenant(), "customer", c.id()).get(5);
    assertThat(record.command()).isEqualTo("customer.revert");
    assertThat(record.reason()).isEqualTo("wrong customer edited");
    assertThat(record.actor()).isEqualTo("alice");
    assertThat(record.changes()).extracting(FieldChange::field)
        .contains("name.default", "region", "emails", "tags", "creditLimit.amount", "owner");
    // the trail reads the revert like any change: as of now, the state is the first one again
    assertThat(audit.stateAsOf(alice.tenant(), "customer", c.id(), clock.instant()).orElseThrow()).isEqualTo(first);
    assertThat(audit.diff(alice.tenant(), "customer", c.id(), 1, reverted.version())).isEmpty();
    // reverting to what it already is changes nothing
    assertThat(audit.revert(crm, alice, c.id(), 1, "again").version()).isEqualTo(reverted.version());

    assertThatThrownBy(() -> audit.revert(crm, alice, c.id(), 99, "no such version"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no version 99");
    // access is checked as for any edit
    Crm guarded = Crm.builder().store(store).accessPolicy(new AccessPolicy() {
      @Override
      public dev.rapport.crm.access.Decision check(Actor actor, dev.rapport.crm.access.Action action,
                                                   dev.rapport.crm.access.Resource resource) {
        return action == dev.rapport.crm.access.Action.VIEW ? dev.rapport.crm.access.Decision.allow("view")
            : dev.rapport.crm.access.Decision.deny("read-only");
      }

      @Override
      public dev.rapport.crm.access.DataFilter filter(Actor actor, dev.rapport.crm.access.Action action,
                                                      dev.rapport.crm.access.ResourceType type) {
        return dev.rapport.crm.access.DataFilter.always();
      }
    }).audit(audit).clock(clock).build();
    assertThatThrownBy(() -> audit.revert(guarded, wei, c.id(), 4, "sneaky"))
        .isInstanceOf(dev.rapport.crm.error.AccessDeniedException.class);
    assertThatThrownBy(() -> crm.customers().revert(alice, c.id(),
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("kind", "ROBOT"), "bad"))
        .isInstanceOf(dev.rapport.crm.error.ValidationException.class).hasMessageContaining("state");
    ObjectNode forged = first.deepCopy();
    forged.putArray("emails").add("not an address");
    assertThatThrownBy(() -> crm.customers().revert(alice, c.id(), forged, "bad"))
        .isInstanceOf(dev.rapport.crm.error.ValidationException.class).hasMessageContaining("state.emails");
    assertThat(crm.customers().require(alice, c.id()).version()).isEqualTo(reverted.version());
  }
}
