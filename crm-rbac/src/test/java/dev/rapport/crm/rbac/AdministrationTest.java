package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Grants, revokes and stored roles: controlled, never beyond the administrator's own rights, audited, shared. */
class AdministrationTest {
  static final String POLICY = """
      attributes: [region]
      roles:
        sales_rep:
          permissions:
            - {id: rep-view, resource: customer, actions: [view], when: resource.region == subject.region}
        sales_manager:
          inherits: [sales_rep]
          permissions:
            - {id: manager-assigns-reps, resource: role, actions: [assign], when: "resource.id == 'sales_rep'"}
        finance:
          permissions:
            - {id: finance-view, resource: customer, actions: [view]}
        role_admin:
          permissions:
            - {id: role-admin, resource: role, actions: [assign, administer, view]}
        admin:
          permissions:
            - {id: admin-customers, resource: customer, actions: ["*"]}
            - {id: admin-roles, resource: role, actions: ["*"]}
            - {id: admin-policies, resource: policy, actions: ["*"]}
      exclusive:
        - [finance, sales_rep]
      """;

  private final Store store = InMemoryStore.create();
  private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
  private final AuditRecorder audit = recordingInto(audited);

  /** An audit recorder that keeps the entries it is given in {@code into} and writes nothing. */
  static AuditRecorder recordingInto(List<AuditEntry> into) {
    return new AuditRecorder() {
      @Override
      public List<WriteBatch.Append> record(AuditEntry entry) {
        into.add(entry);
        return List.of();
      }
    };
  }
  private final Rbac rbac = Rbac.fromYaml(POLICY, "access.yaml");
  private final Crm crm = crm(rbac);

  private final Actor admin = Actor.of("acme", "root").withRoles("admin");
  private final Actor manager = Actor.of("acme", "chen").withRoles("sales_manager").withAttribute("region", "CN-East");
  private final Actor wei = Actor.of("acme", "li.wei").withAttribute("region", "CN-East");

  private Crm crm(Rbac r) {
    return Crm.builder().store(store).accessPolicy(r).audit(audit)
        .indexes(CustomerFields.COLLECTION, r.requiredIndexes(CustomerFields.TYPE)).build();
  }

  private List<String> visibleTo(Crm c, Actor a) {
    return c.customers().find(a, Query.of(Criteria.all(), Sort.byId(), 50)).items().stream()
        .map(Customer::id).toList();
  }

  @Test
  void aManagerGrantsRepsAndTheGrantTakesEffectAtOnceAndIsAudited() {
    Customer east = crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Hangzhou Tea")
        .region("CN-East").build());
    assertThat(visibleTo(crm, wei)).isEmpty();

    rbac.admin().grant(manager, Assignment.of("acme", "li.wei", "sales_rep"), "new hire");
    assertThat(visibleTo(crm, wei)).containsExactly(east.id());
    assertThat(audited).filteredOn(e -> e instanceof AuditEntry.Change c && c.command().equals("rbac.grant"))
        .singleElement().satisfies(e -> {
          AuditEntry.Change c = (AuditEntry.Change) e;
          assertThat(c.actor().userId()).isEqualTo("chen");
          assertThat(c.resourceType()).isEqualTo("assignment");
          assertThat(c.after().get("role").asText()).isEqualTo("sales_rep");
          assertThat(c.reason()).isEqualTo("new hire");
          assertThat(c.decidingRules()).containsExactly("manager-assigns-reps");
        });

    rbac.admin().revoke(manager, Assignment.of("acme", "li.wei", "sales_rep"), "left the team");
    assertThat(visibleTo(crm, wei)).isEmpty();
  }

  @Test
  void nobodyGrantsMoreThanTheyMayOrHold() {
    // the policy lets managers assign only sales_rep
    assertThatThrownBy(() -> rbac.admin().grant(manager, Assignment.of("acme", "li.wei", "sales_manager"), "x"))
        .isInstanceOfSatisfying(AccessDeniedException.class,
            e -> assertThat(e.decidingRules()).containsExactly("no-permit"));
    // a role admin may assign any role, but not one that permits more than they may do
    Actor roleAdmin = Actor.of("acme", "ra").withRoles("role_admin");
    assertThatThrownBy(() -> rbac.admin().grant(roleAdmin, Assignment.of("acme", "li.wei", "admin"), "x"))
        .isInstanceOfSatisfying(AccessDeniedException.class, e -> {
          assertThat(e.decidingRules()).containsExactly("no-escalation");
          assertThat(e).hasMessageContaining("it permits view on customer, which ra may not do everywhere");
        });
    // holding a role only within a region, one may grant it only within that region
    rbac.admin().grant(admin, Assignment.of("acme", "ra", "sales_rep").scopedTo("region", "CN-East"), "cover");
    assertThatThrownBy(() -> rbac.admin().grant(roleAdmin, Assignment.of("acme", "li.wei", "sales_rep"), "x"))
        .isInstanceOf(AccessDeniedException.class).hasMessageContaining("only within region=CN-East");
    rbac.admin().grant(roleAdmin, Assignment.of("acme", "li.wei", "sales_rep").scopedTo("region", "CN-East"), "ok");
    // another tenant is out of reach
    assertThatThrownBy(() -> rbac.admin().grant(admin, Assignment.of("globex", "li.wei", "sales_rep"), "x"))
        .isInstanceOfSatisfying(AccessDeniedException.class,
            e -> assertThat(e.decidingRules()).containsExactly("tenant-isolation"));
    // refused attempts are audited as denials
    assertThat(audited).filteredOn(e -> e instanceof AuditEntry.Denied).isNotEmpty();
  }

  @Test
  void mutuallyExclusiveRolesAreRefusedAtAssignment() {
    rbac.admin().grant(admin, Assignment.of("acme", "li.wei", "sales_rep"), "rep");
    Actor adminWithFinance = admin.withRoles("finance");
    assertThatThrownBy(() -> rbac.admin().grant(adminWithFinance, Assignment.of("acme", "li.wei", "finance"), "x"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.getMessage())
            .contains("user li.wei of tenant acme would hold mutually exclusive roles finance and sales_rep"));
  }

  @Test
  void storedRolesAreDefinedWithinTheAdministratorsOwnRights() {
    Customer vip = crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Key Account Ltd")
        .region("EU-West").tag("segment/key").build());
    rbac.admin().defineRole(admin, "key_account", """
        inherits: [sales_rep]
        permissions:
          - {id: ka-view, resource: customer, actions: [view], when: "'segment/key' in resource.tags"}
        """, "key accounts team");
    rbac.admin().grant(admin.withRoles("key_account"), Assignment.of("acme", "li.wei", "key_account"), "joins");
    assertThat(visibleTo(crm, wei)).containsExactly(vip.id());
    assertThat(rbac.check(wei, Action.VIEW, dev.rapport.crm.access.Resource.ofType(CustomerFields.TYPE)).allowed())
        .isTrue();

    // a role admin who may not delete customers cannot define a role that may
    Actor roleAdmin = Actor.of("acme", "ra").withRoles("role_admin");
    assertThatThrownBy(() -> rbac.admin().defineRole(roleAdmin, "deleter", """
        permissions:
          - {id: deleter, resource: customer, actions: [delete]}
        """, "x")).isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("it permits delete on customer, which ra may not do");
    // an invalid definition is refused with the policy's located error, nothing written
    assertThatThrownBy(() -> rbac.admin().defineRole(admin, "broken", """
        permissions:
          - {id: b, resource: customer, actions: [view], when: resource.regoin == 'x'}
        """, "x")).isInstanceOf(ValidationException.class).hasMessageContaining("unknown attribute 'regoin'");
    // a role still assigned cannot be removed
    assertThatThrownBy(() -> rbac.admin().removeRole(admin, "key_account", "x"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("unknown role key_account");
    // managers do not administer roles at all
    assertThatThrownBy(() -> rbac.admin().defineRole(manager, "x", "permissions: []", "x"))
        .isInstanceOf(AccessDeniedException.class);
  }

  @Test
  void anotherNodePicksChangesUpOnRefresh() {
    crm.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Hangzhou Tea")
        .region("CN-East").build());
    Rbac otherRbac = Rbac.fromYaml(POLICY, "access.yaml");
    Crm other = crm(otherRbac);
    assertThat(visibleTo(other, wei)).isEmpty();   // the other node has read acme's (empty) layer

    rbac.admin().grant(manager, Assignment.of("acme", "li.wei", "sales_rep"), "new hire");
    assertThat(visibleTo(crm, wei)).hasSize(1);
    assertThat(visibleTo(other, wei)).isEmpty();   // not yet
    assertThat(otherRbac.refresh()).isEqualTo(1);
    assertThat(visibleTo(other, wei)).hasSize(1);
    assertThat(otherRbac.refresh()).isZero();
  }

  @Test
  void grantsNobodyUsedLatelyAreDormant() {
    dev.rapport.crm.testkit.MutableClock clock = dev.rapport.crm.testkit.MutableClock.at("2026-01-01T09:00:00Z");
    Rbac timed = Rbac.builder().loadYaml(POLICY, "access.yaml").clock(clock)
        .assign(Assignment.of("acme", "file.user", "sales_rep")).build();
    Crm c = Crm.builder().store(InMemoryStore.create()).accessPolicy(timed).audit(AuditRecorder.none()).clock(clock)
        .indexes(CustomerFields.COLLECTION, timed.requiredIndexes(CustomerFields.TYPE)).build();
    c.customers().create(admin, CustomerData.builder(CustomerKind.ORGANIZATION, "Hangzhou Tea")
        .region("CN-East").build());
    timed.admin().grant(manager, Assignment.of("acme", "li.wei", "sales_rep"), "hire");
    timed.admin().grant(manager, Assignment.of("acme", "ana", "sales_rep"), "hire");

    clock.advance(java.time.Duration.ofDays(1));
    assertThat(visibleTo(c, wei)).hasSize(1);            // li.wei's grant allows a decision on day 1
    timed.refresh();
    clock.advance(java.time.Duration.ofDays(39));
    assertThat(timed.dormantGrants(wei.tenant(), java.time.Duration.ofDays(30)))
        .extracting(d -> d.assignment().userId(), d -> d.lastUsed())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("ana", null),
            org.assertj.core.groups.Tuple.tuple("file.user", null),
            org.assertj.core.groups.Tuple.tuple("li.wei", java.time.Instant.parse("2026-01-02T09:00:00Z")));

    assertThat(visibleTo(c, wei)).hasSize(1);            // used again on day 40
    assertThat(timed.dormantGrants(wei.tenant(), java.time.Duration.ofDays(30)))
        .extracting(d -> d.assignment().userId()).containsExactlyInAnyOrder("ana", "file.user");
    // recorded in the store: another node sees the last use too
    assertThat(StoredPolicy.load(store(c), wei.tenant()).assignments())
        .filteredOn(d -> d.body().path("user").asText().equals("li.wei")).singleElement()
        .satisfies(d -> assertThat(d.body().get("lastUsedAt").asText()).isEqualTo("2026-02-10T09:00:00Z"));
    c.close();
  }

  @Test
  void aGrantDecidingWithoutAConditionIsRecordedInEveryPeriodItIsUsed() {
    dev.rapport.crm.testkit.MutableClock clock = dev.rapport.crm.testkit.MutableClock.at("2026-01-01T09:00:00Z");
    Rbac timed = Rbac.builder().loadYaml(POLICY, "access.yaml").clock(clock)
        .assign(Assignment.of("acme", "fin", "finance")).assign(Assignment.of("acme", "idle", "finance")).build();
    Actor fin = Actor.of("acme", "fin");
    dev.rapport.crm.access.Resource any = dev.rapport.crm.access.Resource.ofType(CustomerFields.TYPE);
    java.time.Duration month = java.time.Duration.ofDays(30);

    assertThat(timed.check(fin, Action.VIEW, any).decidingRules()).containsExactly("finance-view");
    assertThat(timed.dormantGrants(fin.tenant(), month)).extracting(d -> d.assignment().userId())
        .containsExactly("idle");
    clock.advance(java.time.Duration.ofDays(40));
    // the same decision in a later period: recorded again, although the first one already flagged this grant
    assertThat(timed.check(fin, Action.VIEW, any).allowed()).isTrue();
    assertThat(timed.dormantGrants(fin.tenant(), month)).extracting(d -> d.assignment().userId())
        .containsExactly("idle");
    clock.advance(java.time.Duration.ofDays(40));
    assertThat(timed.dormantGrants(fin.tenant(), month))
        .extracting(d -> d.assignment().userId(), d -> d.lastUsed())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("idle", null),
            org.assertj.core.groups.Tuple.tuple("fin", java.time.Instant.parse("2026-02-10T09:00:00Z")));
  }

  private static Store store(Crm c) {
    return c.store();
  }

  @Test
  void administrationNeedsACrm() {
    assertThatThrownBy(() -> Rbac.fromYaml(POLICY, "access.yaml").admin())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("accessPolicy(rbac)");
  }
}
