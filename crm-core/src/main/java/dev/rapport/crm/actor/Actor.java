package dev.rapport.crm.actor;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.internal.text.Characters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Who issues a command or a query: a user the host has already authenticated, in one tenant, with roles and
 * attributes (department, region, manager, ...) that access policies may use. Rapport never authenticates; it
 * authorizes and records.
 *
 * <pre>{@code
 * Actor alice = Actor.of("acme", "alice").withRoles("sales").withAttribute("region", "CN-East");
 * }</pre>
 *
 * @param onBehalfOf the user this actor acts for (a delegate or an integration), if any
 */
public record Actor(String userId, TenantId tenant, Set<String> roles, Map<String, String> attributes,
                    @Nullable String onBehalfOf) {

  public Actor {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(tenant, "tenant");
    if (userId.isBlank() || userId.length() > 128) {
      throw ValidationException.of("actor.userId", "actor.userId", "user id must be 1-128 non-blank characters");
    }
    if (onBehalfOf != null && (onBehalfOf.isBlank() || onBehalfOf.length() > 128)) {
      throw ValidationException.of("actor.onBehalfOf", "actor.userId", "user id must be 1-128 non-blank characters");
    }
    roles = Set.copyOf(new TreeSet<>(roles));
    attributes = Map.copyOf(new TreeMap<>(attributes));
    // every part of an actor is recorded (audit records, who granted what): text every store keeps exactly
    List<Violation> text = new ArrayList<>();
    Characters.check("actor.userId", userId, false).ifPresent(text::add);
    if (onBehalfOf != null) {
      Characters.check("actor.onBehalfOf", onBehalfOf, false).ifPresent(text::add);
    }
    for (String role : roles) {
      Characters.check("actor.roles", role, false).ifPresent(text::add);
    }
    attributes.forEach((name, value) -> {
      Optional<Violation> badName = Characters.check("actor.attributes", name, false);
      badName.ifPresent(text::add);
      if (badName.isEmpty()) {
        Characters.check("actor.attributes." + name, value, false).ifPresent(text::add);
      }
    });
    if (!text.isEmpty()) {
      throw new ValidationException(text);
    }
  }

  public static Actor of(String tenant, String userId) {
    return new Actor(userId, TenantId.of(tenant), Set.of(), Map.of(), null);
  }

  public static Actor of(TenantId tenant, String userId) {
    return new Actor(userId, tenant, Set.of(), Map.of(), null);
  }

  public Actor withRoles(String... more) {
    Set<String> all = new TreeSet<>(roles);
    all.addAll(Set.of(more));
    return new Actor(userId, tenant, all, attributes, onBehalfOf);
  }

  public Actor withAttribute(String name, String value) {
    Map<String, String> all = new TreeMap<>(attributes);
    all.put(name, value);
    return new Actor(userId, tenant, roles, all, onBehalfOf);
  }

  public Actor onBehalfOf(String user) {
    return new Actor(userId, tenant, roles, attributes, user);
  }

  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }
}
