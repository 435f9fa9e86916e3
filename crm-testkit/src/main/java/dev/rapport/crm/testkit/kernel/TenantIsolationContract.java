package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tenant isolation: no operation reads or writes another tenant's data, and equal keys in two tenants never meet. */
public abstract class TenantIsolationContract extends KernelContract {
  private TenantId other;

  @BeforeEach
  void fillOtherTenant() {
    other = freshTenant();
    insert(other, thing("shared").with("name", "theirs").with("code", "C").with("emails", "e@example.com").build(),
        thing("onlytheirs").with("name", "theirs").build());
    store.commit(other, WriteBatch.builder().append(EVENTS, "r1", "theirs", json()).build());
  }

  @Test
  void readsNeverSeeAnotherTenantsDocuments() {
    assertThat(store.get(tenant, THINGS, "shared")).isEmpty();
    assertThat(store.get(tenant, THINGS, "onlytheirs")).isEmpty();
    assertThat(store.findUnique(tenant, THINGS, "code", "C")).isEmpty();
    assertThat(store.findUnique(tenant, THINGS, "emails", "e@example.com")).isEmpty();
    assertThat(ids(Criteria.all())).isEmpty();
    assertThat(store.count(tenant, THINGS, Criteria.all())).isZero();
    assertThat(store.count(tenant, THINGS, Criteria.eq("name", "theirs"))).isZero();
  }

  @Test
  void feedsAndStreamsArePerTenant() {
    assertThat(allChanges(tenant)).isEmpty();
    assertThat(allRecords(tenant, EVENTS)).isEmpty();

    insert(thing("mine").build());
    commit(WriteBatch.builder().append(EVENTS, "r1", "mine", json()));

    assertThat(allChanges(tenant)).extracting(c -> c.id()).containsExactly("mine");
    assertThat(allRecords(tenant, EVENTS)).extracting(r -> r.type()).containsExactly("mine");
    assertThat(allChanges(other)).extracting(c -> c.id()).containsExactly("shared", "onlytheirs");
    assertThat(allRecords(other, EVENTS)).extracting(r -> r.type()).containsExactly("theirs");
  }

  @Test
  void sameIdsAndUniqueValuesInTwoTenantsDoNotConflict() {
    insert(thing("shared").with("name", "mine").with("code", "C").with("emails", "e@example.com").build());
    commit(WriteBatch.builder().update(THINGS, thing("shared").version(2).with("name", "mine v2").build()));

    Document theirs = store.get(other, THINGS, "shared").orElseThrow();
    assertThat(theirs.version()).isEqualTo(1);
    assertThat(theirs.values("name")).containsExactly("theirs");
    assertThat(store.get(tenant, THINGS, "shared").orElseThrow().values("name")).containsExactly("mine v2");
    // The other tenant's version 1 is still current there, whatever happened here.
    store.commit(other, WriteBatch.builder().update(THINGS, thing("shared").version(2).with("name", "theirs v2").build()).build());
    assertThat(store.get(tenant, THINGS, "shared").orElseThrow().values("name")).containsExactly("mine v2");
  }

  @Test
  void writesCannotReachAnotherTenantsDocuments() {
    assertThatThrownBy(() -> commit(WriteBatch.builder().update(THINGS, thing("onlytheirs").version(2).build())))
        .isInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> commit(WriteBatch.builder().delete(THINGS, "onlytheirs", 1)))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(other, THINGS, "onlytheirs")).isPresent();
    commit(WriteBatch.builder().append(EVENTS, "r1", "mine, same record id", json()));
    assertThat(allRecords(other, EVENTS)).hasSize(1);
  }

  @Test
  void queriesWithCursorsStayInTheirTenant() {
    for (int i = 0; i < 5; i++) {
      insert(thing("m" + i).with("name", "theirs").build());
      insert(other, thing("o" + i).with("name", "theirs").build());
    }
    assertThat(queryAll(tenant, Criteria.eq("name", "theirs"), Sort.asc("name"), 2))
        .extracting(Document::id).containsExactly("m0", "m1", "m2", "m3", "m4");
  }

  @Test
  void leasesArePerTenant() {
    Lease theirs = store.tryAcquire(other, "job", "node-1", Duration.ofMinutes(1)).orElseThrow();

    Lease mine = store.tryAcquire(tenant, "job", "node-2", Duration.ofMinutes(1)).orElseThrow();
    assertThat(store.release(tenant, theirs)).isFalse();
    assertThat(store.tryAcquire(other, "job", "node-2", Duration.ofMinutes(1))).isEmpty();
    assertThat(store.release(other, theirs)).isTrue();
    assertThat(store.tryAcquire(tenant, "job", "node-3", Duration.ofMinutes(1))).isEmpty();
    assertThat(mine.owner()).isEqualTo("node-2");
  }

  @Test
  void leaseGuardOfAnotherTenantDoesNotGuardHere() {
    Lease theirs = store.tryAcquire(other, "job", "node-1", Duration.ofMinutes(1)).orElseThrow();

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .insert(THINGS, thing("mine").build())
        .guardedBy(WriteBatch.LeaseGuard.of(theirs))))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, THINGS, "mine")).isEmpty();
  }
}
