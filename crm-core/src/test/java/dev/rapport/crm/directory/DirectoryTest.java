package dev.rapport.crm.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.actor.TenantId;
import org.junit.jupiter.api.Test;

class DirectoryTest {
  private static final TenantId ACME = TenantId.of("acme");
  private static final TenantId GLOBEX = TenantId.of("globex");

  private final Directory dir = Directory.inMemory()
      .manager("acme", "alice", "bob").manager("acme", "bob", "carol").manager("acme", "carol", "dave")
      .manager("globex", "alice", "zed")
      .role("acme", "credit-approver", "carol", "dave").role("acme", "credit-approver", "erin")
      .team("acme", "east", "alice", "erin")
      .build();

  @Test
  void theManagerChainStartsWithTheDirectManagerAndIsPerTenant() {
    assertThat(dir.managerChain(ACME, "alice")).containsExactly("bob", "carol", "dave");
    assertThat(dir.managerChain(ACME, "dave")).isEmpty();
    assertThat(dir.managerChain(GLOBEX, "alice")).containsExactly("zed");
    assertThat(dir.managerChain(ACME, "nobody")).isEmpty();
  }

  @Test
  void aCycleInTheHostsDataEndsTheChainInsteadOfLooping() {
    Directory loop = Directory.inMemory().manager("acme", "a", "b").manager("acme", "b", "c")
        .manager("acme", "c", "a").build();
    assertThat(loop.managerChain(ACME, "a")).containsExactly("b", "c");
  }

  @Test
  void rolesAndTeamsCollectTheirMembers() {
    assertThat(dir.membersOfRole(ACME, "credit-approver")).containsExactlyInAnyOrder("carol", "dave", "erin");
    assertThat(dir.membersOfTeam(ACME, "east")).containsExactlyInAnyOrder("alice", "erin");
    assertThat(dir.membersOfRole(GLOBEX, "credit-approver")).isEmpty();
    assertThat(Directory.none().membersOfTeam(ACME, "east")).isEmpty();
    assertThat(Directory.none().managerChain(ACME, "alice")).isEmpty();
  }

  @Test
  void aUserHasOneDirectManagerAndIsNotTheirOwn() {
    assertThatThrownBy(() -> Directory.inMemory().manager("acme", "a", "b").manager("acme", "a", "c"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has manager b");
    assertThatThrownBy(() -> Directory.inMemory().manager("acme", "a", "a"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
