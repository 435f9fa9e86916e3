package dev.rapport.crm.approval;

import java.util.Set;

/**
 * Runs parked commands once they are approved. Every service registers its commands by name when the {@code Crm}
 * is built, so a command parked on one node can be resumed on any other from its stored {@link ParkedCommand}
 * alone. {@code Crm.parkedCommands()} gives it to hosts; modules get it from their
 * {@link dev.rapport.crm.module.ModuleContext}.
 */
public interface ParkedCommands {

  /**
   * Runs {@code command} through the normal command path (authorize again, validate, apply, persist with its audit
   * record and events) as approved by {@code approval}. At most once per {@link Approval#requestId()}: a second
   * call, on this node or another, changes nothing and answers {@link Resumed.Status#ALREADY_RUN}.
   *
   * @throws dev.rapport.crm.error.VersionConflictException when the record changed since the command was parked
   *     and the command named the version it expected (or a concurrent run raced it: call again)
   * @throws IllegalArgumentException for a command name no service registered
   */
  Resumed resume(ParkedCommand command, Approval approval);

  /** The command names that can be resumed. */
  Set<String> names();

  /** What a resumption did. */
  record Resumed(Status status, String resourceId, long version) {
    /** {@code APPLIED}: the change was written now; {@code UNCHANGED}: it changed nothing; {@code ALREADY_RUN}. */
    public enum Status { APPLIED, UNCHANGED, ALREADY_RUN }
  }
}
