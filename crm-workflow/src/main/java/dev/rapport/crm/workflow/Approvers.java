package dev.rapport.crm.workflow;

import dev.rapport.crm.error.ValidationException;
import java.util.List;
import java.util.Objects;

/**
 * Who may decide a step: named users, the members of a role, the requester's managers, the user named in a field
 * of the record, or the users a registered {@link ApproverResolver} names. A step lists one or more; its candidates
 * are their union, resolved when the step starts, always without the requester (who never approves their own
 * request).
 */
public sealed interface Approvers {

  /** The rule's short form, as in a definition file ({@code users: [ann, bob]}, {@code role: finance}). */
  String describe();

  /** These users. */
  record Users(List<String> ids) implements Approvers {
    public Users {
      ids = List.copyOf(ids);
      if (ids.isEmpty() || ids.stream().anyMatch(String::isBlank)) {
        throw ValidationException.of("approvers.users", "approvers.users.empty", "name at least one user, none blank");
      }
    }

    @Override
    public String describe() {
      return "users " + String.join(", ", ids);
    }
  }

  /** The members of a role, from the host's {@link dev.rapport.crm.directory.Directory}. */
  record Role(String name) implements Approvers {
    public Role {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw ValidationException.of("approvers.role", "approvers.role.blank", "a role name is not blank");
      }
    }

    @Override
    public String describe() {
      return "role " + name;
    }
  }

  /**
   * The requester's managers from the {@link dev.rapport.crm.directory.Directory}: the direct manager at level 1, the
   * manager's manager at level 2, and so on. {@code level} picks one of them; the step gets no candidate from this
   * rule when the chain is shorter.
   */
  record Manager(int level) implements Approvers {
    public Manager {
      if (level < 1 || level > 20) {
        throw ValidationException.of("approvers.manager", "approvers.manager.level", "a manager level is 1-20");
      }
    }

    @Override
    public String describe() {
      return level == 1 ? "manager" : "manager level " + level;
    }
  }

  /**
   * The user whose id a field of the record holds (the customer's {@code owner}, say), read from the state the
   * command would write; a dotted path reaches into objects.
   */
  record Field(String path) implements Approvers {
    public Field {
      Objects.requireNonNull(path, "path");
      if (!path.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
        throw ValidationException.of("approvers.field", "approvers.field.path",
            "a field path is names joined by dots: " + path);
      }
    }

    @Override
    public String describe() {
      return "field " + path;
    }
  }

  /** The users the {@link ApproverResolver} registered under {@code name} names. */
  record Resolver(String name) implements Approvers {
    public Resolver {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw ValidationException.of("approvers.resolver", "approvers.resolver.blank", "a resolver name is not blank");
      }
    }

    @Override
    public String describe() {
      return "resolver " + name;
    }
  }

  static Approvers users(String... ids) {
    return new Users(List.of(ids));
  }

  static Approvers role(String name) {
    return new Role(name);
  }

  /** The requester's direct manager. */
  static Approvers manager() {
    return new Manager(1);
  }

  static Approvers manager(int level) {
    return new Manager(level);
  }

  static Approvers field(String path) {
    return new Field(path);
  }

  static Approvers resolver(String name) {
    return new Resolver(name);
  }
}
