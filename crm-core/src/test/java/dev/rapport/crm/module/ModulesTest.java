package dev.rapport.crm.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Modules bring their own collections through the builder and are started with what they may use. */
class ModulesTest {
  private final InMemoryStore store = InMemoryStore.create();

  private static final class Recording implements CrmModule {
    final String name;
    final List<CollectionSpec> specs;
    final List<ModuleContext> started = new ArrayList<>();

    Recording(String name, CollectionSpec... specs) {
      this.name = name;
      this.specs = List.of(specs);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<CollectionSpec> collections() {
      return specs;
    }

    @Override
    public void start(ModuleContext context) {
      started.add(context);
    }
  }

  /** An access policy that keeps its roles in a collection of its own: registered because it is a module. */
  private static final class StoredPolicy implements AccessPolicy, CrmModule {
    @Override
    public String name() {
      return "stored-policy";
    }

    @Override
    public List<CollectionSpec> collections() {
      return List.of(CollectionSpec.of("test_roles", IndexSpec.single("name", IndexType.STRING)));
    }

    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      return Decision.allow("stored");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      return DataFilter.always();
    }
  }

  @Test
  void aModulesCollectionsAreRegisteredAndItIsStartedWithTheContext() {
    Recording timers = new Recording("timers", CollectionSpec.of("test_timers",
        IndexSpec.single("dueAt", IndexType.INSTANT)));
    Directory dir = Directory.inMemory().manager("acme", "alice", "bob").build();
    Crm crm = Crm.builder().store(store).accessPolicy(new StoredPolicy()).audit(AuditRecorder.none())
        .directory(dir).module(timers).nodeId("n1").build();

    assertThat(store.collections()).extracting(CollectionSpec::name).contains("test_timers", "test_roles",
        "customers");
    assertThat(timers.started).singleElement().satisfies(ctx -> {
      assertThat(ctx.store()).isSameAs(store);
      assertThat(ctx.nodeId()).isEqualTo("n1");
      assertThat(ctx.directory()).isSameAs(dir);
      assertThat(ctx.resourceTypes()).containsOnlyKeys("customer", "interaction", "case");
      assertThat(ctx.parkedCommands()).isSameAs(crm.parkedCommands());
      assertThat(ctx.parkedCommands().names()).contains("customer.change-credit-limit");
    });
  }

  @Test
  void twoModulesMayNotShareANameOrACollection() {
    assertThatThrownBy(() -> Crm.builder().module(new Recording("x")).module(new Recording("x")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("module 'x'");
    CollectionSpec shared = CollectionSpec.of("test_shared", IndexSpec.single("a", IndexType.STRING));
    assertThatThrownBy(() -> Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).module(new Recording("a", shared)).module(new Recording("b", shared)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("test_shared");
    assertThatThrownBy(() -> Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).module(new Recording("a", CollectionSpec.of("customers"))).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("customers");
    // core's own parked commands are taken too
    assertThatThrownBy(() -> Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).module(new Recording("a",
            CollectionSpec.of(dev.rapport.crm.approval.ParkedCommands.COLLECTION))).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("parked_commands");
  }
}
