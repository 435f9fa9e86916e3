package dev.rapport.crm.module;

import dev.rapport.crm.access.Masking;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.approval.ParkedCommands;
import dev.rapport.crm.directory.Directory;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import java.time.Clock;
import java.util.Map;

/**
 * What a {@link CrmModule} gets from the built {@code Crm}: the same store, clock and node id as the command path,
 * the ports the host wired (so modules meet through them, never through each other's classes), and the core
 * services modules build on.
 */
public interface ModuleContext {

  Store store();

  Clock clock();

  /** This node's name, the owner of the leases it takes. */
  String nodeId();

  Directory directory();

  /** The audit port, for modules that record what they do themselves (grants, approval decisions). */
  AuditRecorder audit();

  /** Field-level security as the access policy decides it, for what a module shows (audit diffs, history). */
  Masking masking();

  /** Runs approved parked commands (for the approval module). */
  ParkedCommands parkedCommands();

  /** Every resource type the command path knows, by name: customer, interaction and case. */
  Map<String, ResourceType> resourceTypes();

  /**
   * Whether the host accepts bidirectional formatting controls in free text ({@code
   * Crm.builder().allowBidiControlsInFreeText}); a module applies the same rule to the free text it keeps
   * (comments, reasons). False unless the host said so.
   */
  default boolean allowsBidiControlsInFreeText() {
    return false;
  }
}
