package dev.rapport.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.CrmException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.fixture.StreamAudit;
import dev.rapport.crm.interaction.Interaction;
import dev.rapport.crm.interaction.LogInteraction;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.notify.MutableClock;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.OpenCase;
import dev.rapport.crm.servicecase.ServiceCase;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * A record the actor may not see answers exactly like one that does not exist, on every service and every path
 * (single reads, commands on it, commands that name it as a related record): the only answer an actor gets is the
 * one it would get for an id nobody ever used. The attempt is still recorded for the auditors.
 */
class NoExistenceLeakTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final String NO_SUCH_ID = "01900000-0000-7000-8000-000000000000";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
  private final InMemoryStore store = InMemoryStore.create(clock);
  private final Actor owner = Actor.of(ACME, "olga").withAttribute("region", "EMEA");
  private final Actor outsider = Actor.of(ACME, "ian").withAttribute("region", "APAC");

  /** Customers by region, as the test creates them: what the policy below needs to know. */
  private final Map<String, Set<String>> customersByRegion = new ConcurrentHashMap<>();

  /**
   * Everyone sees (and may act on) only customers of their own region, and the interactions and cases of those
   * customers; anyone may create.
   */
  private final AccessPolicy regional = new AccessPolicy() {
    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      if (resource.current() == null) {
        return Decision.allow("any-may-create");
      }
      boolean own = resource.type().name().equals("customer")
          ? resource.current().path("region").asText().equals(regionOf(actor))
          : visible(actor).contains(resource.current().path("customerId").asText());
      return own ? Decision.allow("same-region") : Decision.deny("other-region");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      if (type.name().equals("customer")) {
        return DataFilter.where(Criteria.eq(CustomerFields.REGION, regionOf(actor)));
      }
      Set<String> ids = visible(actor);
      return ids.isEmpty() ? DataFilter.never() : DataFilter.where(Criteria.in("customerId", List.copyOf(ids)));
    }

    private Set<String> visible(Actor actor) {
      return customersByRegion.getOrDefault(regionOf(actor), Set.of());
    }

    private String regionOf(Actor actor) {
      return actor.attribute("region").orElse("");
    }
  };

  /** Everyone sees everything and may create, nobody may change anything. */
  private final AccessPolicy readOnly = new AccessPolicy() {
    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      return action == Action.VIEW || action == Action.CREATE ? Decision.allow("read") : Decision.deny("no-edit");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      return DataFilter.always();
    }
  };

  private final StreamAudit audit = new StreamAudit();
  private final Crm crm = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).clock(clock).accessPolicy(regional).audit(audit).build();

  @Test
  void customersAnswerTheSameForHiddenAndMissingIds() {
    Customer hidden = create(owner, emea("Schmidt GmbH"));

    assertThat(crm.customers().get(outsider, hidden.id())).isEmpty();
    assertThat(crm.customers().get(outsider, NO_SUCH_ID)).isEmpty();
    sameAnswer(id -> crm.customers().require(outsider, id), hidden.id());
    sameAnswer(id -> crm.customers().changeStage(outsider, id, "PROSPECT", null), hidden.id());
    sameAnswer(id -> crm.customers().changeCreditLimit(outsider, id, Money.of("1", "EUR"), "probe"), hidden.id());
    sameAnswer(id -> crm.customers().delete(outsider, id, "probe"), hidden.id());
    sameAnswer(id -> crm.customers().tag(outsider, id, "probe"), hidden.id());

    // the owner still sees it, unchanged
    assertThat(crm.customers().require(owner, hidden.id()).version()).isEqualTo(1);
  }

  @Test
  void interactionsAnswerTheSameForHiddenAndMissingIdsAndCustomers() {
    Customer hidden = create(owner, emea("Schmidt GmbH"));
    Interaction call = crm.interactions().log(owner, call(hidden.id()));

    assertThat(crm.interactions().get(outsider, call.id())).isEmpty();
    assertThat(crm.interactions().get(outsider, NO_SUCH_ID)).isEmpty();
    sameAnswer(id -> crm.interactions().require(outsider, id), call.id());
    sameAnswer(id -> crm.interactions().completeFollowUp(outsider, id), call.id());
    // logging against a customer the actor may not see is refused exactly like against one that does not exist
    Actor emeaClerk = Actor.of(ACME, "emil").withAttribute("region", "EMEA");
    Customer apac = create(outsider, customerIn("Wang Trading", "APAC"));
    sameAnswer(id -> crm.interactions().log(emeaClerk, call(id)), apac.id());
  }

  @Test
  void casesAnswerTheSameForHiddenAndMissingIdsAndCustomers() {
    Customer hidden = create(owner, emea("Schmidt GmbH"));
    ServiceCase sc = crm.cases().open(owner, new OpenCase(hidden.id(), "Late delivery", null,
        ServiceCase.Priority.HIGH, null));

    assertThat(crm.cases().get(outsider, sc.id())).isEmpty();
    assertThat(crm.cases().get(outsider, NO_SUCH_ID)).isEmpty();
    sameAnswer(id -> crm.cases().require(outsider, id), sc.id());
    sameAnswer(id -> crm.cases().start(outsider, id), sc.id());
    sameAnswer(id -> crm.cases().resolve(outsider, id, "probe"), sc.id());
    Actor emeaClerk = Actor.of(ACME, "emil").withAttribute("region", "EMEA");
    Customer apac = create(outsider, customerIn("Wang Trading", "APAC"));
    sameAnswer(id -> crm.cases().open(emeaClerk, new OpenCase(id, "Probe", null, ServiceCase.Priority.LOW,
        null)), apac.id());
  }

  @Test
  void aVisibleRecordTheActorMayNotChangeIsRefusedNotHidden() {
    // seeing is not changing: a record the actor may view but not edit answers AccessDenied, which says nothing
    // the actor could not read anyway
    Crm viewer = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).clock(clock).accessPolicy(readOnly).audit(AuditRecorder.none()).build();
    Customer c = viewer.customers().create(owner, emea("Schmidt GmbH"));
    assertThatThrownBy(() -> viewer.customers().changeStage(owner, c.id(), "PROSPECT", null))
        .isInstanceOfSatisfying(AccessDeniedException.class,
            e -> assertThat(e.decidingRules()).containsExactly("no-edit"));
  }

  @Test
  void anAttemptOnAHiddenRecordIsAuditedAsDenied() {
    Customer hidden = create(owner, emea("Schmidt GmbH"));
    int before = auditRecords().size();

    assertThatThrownBy(() -> crm.customers().changeStage(outsider, hidden.id(), "PROSPECT", null))
        .isInstanceOf(NotFoundException.class);
    assertThat(crm.customers().get(outsider, hidden.id())).isEmpty();
    assertThatThrownBy(() -> crm.customers().changeStage(outsider, NO_SUCH_ID, "PROSPECT", null))
        .isInstanceOf(NotFoundException.class);

    List<StreamRecord> added = auditRecords().subList(before, auditRecords().size());
    assertThat(added).extracting(r -> r.payload().get("outcome").asText()).containsExactly("DENIED", "DENIED");
    assertThat(added).extracting(r -> r.payload().get("command").asText())
        .containsExactly("customer.change-stage", "customer.read");
    assertThat(added).allSatisfy(r -> {
      assertThat(r.payload().get("resourceId").asText()).isEqualTo(hidden.id());
      assertThat(r.payload().get("actor").asText()).isEqualTo("ian");
    });
  }

  @Test
  void upsertAuthorizesBeforeItLooksTheReferenceUp() {
    create(owner, CustomerData.builder(CustomerKind.ORGANIZATION, "Schmidt GmbH").region("EMEA")
        .externalRef("SAP", "100").build());
    List<String> lookups = new ArrayList<>();
    AccessPolicy nobody = new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        return Decision.deny("nobody");
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        lookups.add("filter:" + action);
        return DataFilter.never();
      }
    };
    Crm denied = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(recording(store, lookups)).clock(clock).accessPolicy(nobody)
        .audit(AuditRecorder.none()).build();
    lookups.clear();

    CrmException existing = catchCrm(() -> denied.customers().upsertByExternalRef(outsider, "SAP", "100",
        emea("Probe")));
    List<String> whenExisting = List.copyOf(lookups);
    lookups.clear();
    CrmException missing = catchCrm(() -> denied.customers().upsertByExternalRef(outsider, "SAP", "999",
        emea("Probe")));

    assertThat(existing).isInstanceOf(AccessDeniedException.class);
    assertThat(existing.getClass()).isEqualTo(missing.getClass());
    assertThat(existing.getMessage()).isEqualTo(missing.getMessage());
    // the filter came first, and the reference was never looked up: the store saw nothing of it
    assertThat(whenExisting).containsExactly("filter:VIEW");
    assertThat(lookups).containsExactly("filter:VIEW");
  }

  @Test
  void theFilterIsAskedBeforeTheRecordIsLoadedWhetherOrNotItExists() {
    Customer existing = create(owner, emea("Schmidt GmbH"));
    List<String> calls = new ArrayList<>();
    AccessPolicy noting = new AccessPolicy() {
      @Override
      public Decision check(Actor actor, Action action, Resource resource) {
        return regional.check(actor, action, resource);
      }

      @Override
      public DataFilter filter(Actor actor, Action action, ResourceType type) {
        calls.add("filter:" + action);
        return regional.filter(actor, action, type);
      }
    };
    Crm probe = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(recording(store, calls)).clock(clock).accessPolicy(noting)
        .audit(AuditRecorder.none()).build();

    calls.clear();
    catchCrm(() -> probe.customers().changeStage(outsider, existing.id(), "PROSPECT", null));
    List<String> whenExisting = List.copyOf(calls);
    calls.clear();
    catchCrm(() -> probe.customers().changeStage(outsider, NO_SUCH_ID, "PROSPECT", null));

    // the same questions in the same order: a policy that throws, or is slow, for some actors tells nothing either
    assertThat(whenExisting).containsExactly("filter:VIEW", "get");
    assertThat(calls).isEqualTo(whenExisting);
  }

  @Test
  void aStaleVersionFromSomeoneWhoMayNotEditIsRefusedAsAccessNotAsAConflict() {
    StreamAudit denials = new StreamAudit();
    Crm viewer = Crm.builder().indexes(CustomerFields.COLLECTION, TestIndexes.EVERY_CUSTOMER_FIELD).store(store).clock(clock).accessPolicy(readOnly).audit(denials).build();
    Customer c = viewer.customers().create(owner, emea("Schmidt GmbH"));
    int before = auditRecords().size();

    assertThatThrownBy(() -> viewer.customers().update(owner, c.id(),
        dev.rapport.crm.customer.CustomerPatch.builder().expectedVersion(7).region("APAC").build()))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(auditRecords().subList(before, auditRecords().size()))
        .extracting(r -> r.payload().get("outcome").asText()).containsExactly("DENIED");
  }

  // ---------------------------------------------------------------- helpers

  /** Acting on {@code hiddenId} fails exactly as acting on an id that does not exist: same type, same message. */
  private static void sameAnswer(ThrowingConsumer<String> attempt, String hiddenId) {
    CrmException hidden = catchCrm(() -> attempt.accept(hiddenId));
    CrmException missing = catchCrm(() -> attempt.accept(NO_SUCH_ID));
    assertThat(hidden).as("answer for a hidden record").isNotNull();
    assertThat(hidden.getClass()).isEqualTo(missing.getClass());
    assertThat(hidden.getMessage().replace(hiddenId, "<id>"))
        .isEqualTo(missing.getMessage().replace(NO_SUCH_ID, "<id>"));
    if (hidden instanceof ValidationException v) {
      assertThat(v.violations()).extracting(ValidationException.Violation::rule)
          .containsExactlyElementsOf(((ValidationException) missing).violations().stream()
              .map(ValidationException.Violation::rule).toList());
    } else {
      assertThat(hidden).isInstanceOf(NotFoundException.class);
    }
  }

  private interface Attempt {
    void run() throws Throwable;
  }

  private static CrmException catchCrm(Attempt attempt) {
    try {
      attempt.run();
    } catch (CrmException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected a CrmException, got " + t, t);
    }
    throw new AssertionError("expected a CrmException, but the attempt succeeded");
  }

  /** The store, noting every single-record lookup ({@code get}, {@code findUnique}) into {@code calls}. */
  private static dev.rapport.crm.store.Store recording(InMemoryStore store, List<String> calls) {
    return (dev.rapport.crm.store.Store) Proxy.newProxyInstance(NoExistenceLeakTest.class.getClassLoader(),
        new Class<?>[] {dev.rapport.crm.store.Store.class}, (proxy, method, args) -> {
          if (method.getName().equals("get") || method.getName().equals("findUnique")) {
            calls.add(method.getName());
          }
          try {
            return method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private Customer create(Actor actor, CustomerData data) {
    Customer c = crm.customers().create(actor, data);
    customersByRegion.computeIfAbsent(String.valueOf(c.region()), r -> ConcurrentHashMap.newKeySet()).add(c.id());
    return c;
  }

  private List<StreamRecord> auditRecords() {
    return store.read(ACME, StreamAudit.STREAM, 0, 1000);
  }

  private static LogInteraction call(String customerId) {
    return new LogInteraction(customerId, Interaction.Channel.PHONE, Interaction.Direction.OUTBOUND, null,
        "Call", null, Instant.parse("2026-03-02T09:00:00Z"));
  }

  private static CustomerData emea(String name) {
    return customerIn(name, "EMEA");
  }

  private static CustomerData customerIn(String name, String region) {
    return CustomerData.builder(CustomerKind.ORGANIZATION, name).region(region).build();
  }

}
