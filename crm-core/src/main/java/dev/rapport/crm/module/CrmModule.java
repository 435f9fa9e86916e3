package dev.rapport.crm.module;

import dev.rapport.crm.store.CollectionSpec;
import java.util.List;

/**
 * A part of a {@code Crm} that keeps data of its own in the storage kernel (roles and policies, audit checkpoints,
 * approval requests). Pass it to {@code Crm.builder().module(...)}; a port implementation given to the builder
 * ({@code accessPolicy}, {@code audit}, {@code approvals}, {@code directory}) that also implements this interface
 * is registered the same way, once. {@code build()} registers every module's collections with the store (an
 * idempotent migration, safe when several nodes start together), then starts the modules in the order given.
 *
 * <pre>{@code
 * final class Approvals implements ApprovalGate, CrmModule {
 *   public String name() { return "workflow"; }
 *   public List<CollectionSpec> collections() { return List.of(REQUESTS); }
 *   public void start(ModuleContext context) { this.context = context; }
 *   ...
 * }
 * }</pre>
 */
public interface CrmModule {

  /** A short unique name ({@code rbac}, {@code audit}, {@code workflow}); two modules may not share one. */
  String name();

  /** The collections this module stores; registered with the store before {@link #start}. */
  default List<CollectionSpec> collections() {
    return List.of();
  }

  /** Called once, at the end of {@code Crm.builder().build()}, with what the module may use. */
  default void start(ModuleContext context) {}
}
