package dev.rapport.crm.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.recording.Outcome;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Administration of a tenant's access at run time: grant and revoke roles, define and remove roles and policies.
 * Every change is itself access-controlled, never gives more than the administrator holds, is validated with the
 * whole policy before anything is written, and is written in one commit with its audit record and the tenant's
 * policy version (so concurrent changes never both pass validation against the same state). The node that made it
 * applies it at once; every other node within its {@link Rbac#refresh()} interval.
 *
 * <pre>{@code
 * RbacAdmin admin = rbac.admin();
 * admin.grant(manager, Assignment.of("acme", "li.wei", "sales_rep").scopedTo("region", "CN-East"), "new hire");
 * admin.defineRole(admin, "key_account", """
 *     inherits: [sales_rep]
 *     permissions:
 *       - {id: ka-view, resource: customer, actions: [view], when: "'segment/key' in resource.tags"}
 *     """, "key accounts team");
 * }</pre>
 *
 * <p>Rights, decided by the policy itself on two resource types Rbac adds: granting or revoking a role is
 * {@link Action#ASSIGN} on {@code role} (the role's id is {@code resource.id}), defining or removing a role
 * {@link Action#ADMINISTER} on {@code role}, and a policy {@link Action#ADMINISTER} on {@code policy}. Beyond that:
 * a role is granted only by someone who holds it (directly or by inheritance; if only within a scope, then only
 * within that scope, and never for longer than they hold it), and a defined role or policy may permit only actions
 * the administrator may do on those types themselves. Mutually exclusive roles are refused at assignment.
 *
 * <p>What a caller passes is checked before anything is read or written, with a {@link ValidationException} naming
 * the argument: user ids (1-128 characters), roles (1-100), scopes, role and policy ids and every string of a
 * definition are text every store keeps exactly ({@link TextRules}: no control characters, unpaired surrogates or
 * bidirectional formatting controls); reasons and a definition's {@code description} are free text, with
 * bidirectional controls only where the host allows them ({@code Crm.builder().allowBidiControlsInFreeText}).
 */
public final class RbacAdmin {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final Rbac rbac;
  private final ModuleContext context;

  RbacAdmin(Rbac rbac, ModuleContext context) {
    this.rbac = rbac;
    this.context = context;
  }

  /** Gives {@code assignment}'s user its role in {@code granter}'s tenant. */
  public void grant(Actor granter, Assignment assignment, String reason) {
    checked(assignment, reason);
    TenantId tenant = sameTenant(granter, assignment);
    StoredPolicy.Layer layer = StoredPolicy.load(context.store(), tenant);
    Snapshot now = current(tenant, layer);
    Decision d = mayAssign(granter, assignment.role(), now, "rbac.grant");
    notBeyondOwn(granter, assignment, now);
    String id = StoredPolicy.assignmentId(assignment);
    if (layer.assignments().stream().anyMatch(a -> a.id().equals(id))) {
      throw ValidationException.of("assignment", "assignment.exists", assignment.userId() + " already holds "
          + assignment.role() + (assignment.scopeField() == null ? "" : " for " + assignment.scopeField() + " = "
          + assignment.scopeValue()) + ": revoke it first to change its period");
    }
    Instant at = context.clock().instant();
    ObjectNode body = StoredPolicy.assignmentBody(assignment, granter.userId(), at);
    Document doc = StoredPolicy.assignmentDocument(assignment, body);
    List<Document> assignments = new ArrayList<>(layer.assignments());
    assignments.add(doc);
    validate(tenant, new StoredPolicy.Layer(layer.version(), layer.definitions(), assignments));
    commit(granter, tenant, layer.version(), WriteBatch.builder().insert(StoredPolicy.ASSIGNMENTS, doc),
        Action.ASSIGN, "rbac.grant", "assignment", id, null, body, reason, d);
  }

  /** Takes {@code assignment}'s role away from its user (the same user, role and scope as granted). */
  public void revoke(Actor granter, Assignment assignment, String reason) {
    checked(assignment, reason);
    TenantId tenant = sameTenant(granter, assignment);
    StoredPolicy.Layer layer = StoredPolicy.load(context.store(), tenant);
    Snapshot now = current(tenant, layer);
    Decision d = mayAssign(granter, assignment.role(), now, "rbac.revoke");
    notBeyondOwn(granter, new Assignment(tenant, assignment.userId(), assignment.role(), assignment.scopeField(),
        assignment.scopeValue(), null, null), now);
    String id = StoredPolicy.assignmentId(assignment);
    Document existing = layer.assignments().stream().filter(a -> a.id().equals(id)).findFirst()
        .orElseThrow(() -> new NotFoundException("assignment of " + assignment.role() + " to "
            + assignment.userId() + " in tenant " + tenant.value()));
    List<Document> assignments = new ArrayList<>(layer.assignments());
    assignments.remove(existing);
    validate(tenant, new StoredPolicy.Layer(layer.version(), layer.definitions(), assignments));
    commit(granter, tenant, layer.version(), WriteBatch.builder().delete(StoredPolicy.ASSIGNMENTS, id,
        existing.version()), Action.ASSIGN, "rbac.revoke", "assignment", id, existing.body(), null, reason, d);
  }

  /**
   * Defines (or redefines) a role of {@code admin}'s tenant from its policy-file form in YAML or JSON ({@code
   * inherits}, {@code permissions}, {@code fields}, {@code description}). Roles of the policy file cannot be
   * redefined.
   */
  public void defineRole(Actor admin, String roleId, String definition, String reason) {
    TenantId tenant = admin.tenant();
    id("roleId", roleId, 100);
    reason(reason);
    JsonNode def = parse(definition, "definition");
    if (rbac.baseRoles().contains(roleId)) {
      throw ValidationException.of("roleId", "role.base", "role " + roleId + " is defined by the policy file and"
          + " cannot be redefined at run time");
    }
    define(admin, tenant, "role", roleId, def, reason, Action.ADMINISTER, "rbac.define-role");
  }

  /** Removes a role defined at run time (refused while it is assigned or inherited). */
  public void removeRole(Actor admin, String roleId, String reason) {
    id("roleId", roleId, 100);
    reason(reason);
    remove(admin, "role", roleId, reason, "rbac.remove-role");
  }

  /** Defines (or redefines) a policy of {@code admin}'s tenant: a rule in the policy file's form, with its id. */
  public void definePolicy(Actor admin, String definition, String reason) {
    reason(reason);
    JsonNode def = parse(definition, "definition");
    String id = def.path("id").asText("");
    if (id.isEmpty()) {
      throw ValidationException.of("definition.id", "policy.id", "a policy names its id");
    }
    define(admin, admin.tenant(), "policy", id, def, reason, Action.ADMINISTER, "rbac.define-policy");
  }

  /** Removes a policy defined at run time. */
  public void removePolicy(Actor admin, String policyId, String reason) {
    id("policyId", policyId, 128);
    reason(reason);
    remove(admin, "policy", policyId, reason, "rbac.remove-policy");
  }

  /** The assignments stored for {@code userId} in {@code viewer}'s tenant (the viewer needs view on {@code role}). */
  public List<Assignment> assignments(Actor viewer, String userId) {
    StoredPolicy.Layer layer = StoredPolicy.load(context.store(), viewer.tenant());
    Snapshot now = current(viewer.tenant(), layer);
    Decision d = now.check(viewer, Action.VIEW, Resource.ofType(Rbac.ROLE));
    if (!d.allowed()) {
      throw new AccessDeniedException(viewer.userId() + " may not view role assignments", d.decidingRules());
    }
    return layer.assignments().stream().map(doc -> StoredPolicy.assignment(viewer.tenant(), doc.body()))
        .filter(a -> a.userId().equals(userId)).toList();
  }

  // ---- the common steps --------------------------------------------------------------------------------------------

  private void define(Actor admin, TenantId tenant, String kind, String id, JsonNode def, String reason,
                      Action action, String command) {
    StoredPolicy.Layer layer = StoredPolicy.load(context.store(), tenant);
    Snapshot now = current(tenant, layer);
    Decision d = now.check(admin, action, Rbac.definitionResource(kind, id));
    if (!d.allowed()) {
      deny(admin, action, command, kind, id, reason, d);
    }
    String docId = StoredPolicy.definitionId(kind, id);
    Document existing = layer.definitions().stream().filter(x -> x.id().equals(docId)).findFirst().orElse(null);
    Instant at = context.clock().instant();
    ObjectNode body = StoredPolicy.definitionBody(kind, id, def, admin.userId(), at);
    Document doc = new Document(docId, existing == null ? 1 : existing.version() + 1, body,
        java.util.Map.of("kind", List.of(kind)));
    List<Document> definitions = new ArrayList<>(layer.definitions());
    definitions.remove(existing);
    definitions.add(doc);
    Snapshot next = validate(tenant, new StoredPolicy.Layer(layer.version(), definitions, layer.assignments()));
    notBeyondOwn(admin, next, now, kind, id);
    WriteBatch.Builder b = WriteBatch.builder();
    if (existing == null) {
      b.insert(StoredPolicy.DEFINITIONS, doc);
    } else {
      b.update(StoredPolicy.DEFINITIONS, doc);
    }
    commit(admin, tenant, layer.version(), b, action, command, kind, docId,
        existing == null ? null : existing.body(), body, reason, d);
  }

  private void remove(Actor admin, String kind, String id, String reason, String command) {
    TenantId tenant = admin.tenant();
    StoredPolicy.Layer layer = StoredPolicy.load(context.store(), tenant);
    Snapshot now = current(tenant, layer);
    Decision d = now.check(admin, Action.ADMINISTER, Rbac.definitionResource(kind, id));
    if (!d.allowed()) {
      deny(admin, Action.ADMINISTER, command, kind, id, reason, d);
    }
    String docId = StoredPolicy.definitionId(kind, id);
    Document existing = layer.definitions().stream().filter(x -> x.id().equals(docId)).findFirst()
        .orElseThrow(() -> new NotFoundException(kind + " " + id + " stored for tenant " + tenant.value()));
    List<Document> definitions = new ArrayList<>(layer.definitions());
    definitions.remove(existing);
    validate(tenant, new StoredPolicy.Layer(layer.version(), definitions, layer.assignments()));
    commit(admin, tenant, layer.version(), WriteBatch.builder().delete(StoredPolicy.DEFINITIONS, docId,
        existing.version()), Action.ADMINISTER, command, kind, docId, existing.body(), null, reason, d);
  }

  private Decision mayAssign(Actor granter, String role, Snapshot now, String command) {
    Decision d = now.check(granter, Action.ASSIGN, Rbac.definitionResource("role", role));
    if (!d.allowed()) {
      deny(granter, Action.ASSIGN, command, "assignment", role, null, d);
    }
    return d;
  }

  /**
   * A role is granted only by someone who may do everything it permits, everywhere and unconditionally, or who
   * holds it — then within their own scope and period.
   */
  private void notBeyondOwn(Actor granter, Assignment a, Snapshot now) {
    List<Snapshot.Permission> beyond = now.permissionsOf("role", a.role()).stream()
        .filter(p -> !now.holdsUnconditionally(granter, p)).toList();
    if (beyond.isEmpty()) {
      return;
    }
    Snapshot.Holding h = now.holding(granter, a.role());
    if (h == null) {
      Snapshot.Permission p = beyond.get(0);
      throw escalation(granter, "may not grant " + a.role() + ": it permits " + p.action().name()
          .toLowerCase(java.util.Locale.ROOT) + " on " + p.type() + ", which " + granter.userId()
          + " may not do everywhere, and " + granter.userId() + " does not hold " + a.role());
    }
    if (!h.unscoped()) {
      boolean sameScope = a.scopeField() != null && h.scopes().contains(a.scopeField() + "=" + a.scopeValue());
      if (!sameScope) {
        throw escalation(granter, "may grant " + a.role() + " only within " + String.join(", ", h.scopes())
            + ", as they hold it");
      }
    }
    if (h.until() != null && (a.validUntil() == null || a.validUntil().isAfter(h.until()))) {
      throw escalation(granter, "may grant " + a.role() + " only until " + h.until() + ", when theirs ends");
    }
  }

  /** A defined role or policy permits only what the administrator may do themselves, everywhere. */
  private void notBeyondOwn(Actor admin, Snapshot next, Snapshot now, String kind, String id) {
    for (Snapshot.Permission p : next.permissionsOf(kind, id)) {
      if (!now.holdsUnconditionally(admin, p)) {
        throw escalation(admin, "may not " + (kind.equals("role") ? "define role " : "define policy ") + id
            + ": it permits " + p.action().name().toLowerCase(java.util.Locale.ROOT) + " on " + p.type()
            + ", which " + admin.userId() + " may not do");
      }
    }
  }

  private AccessDeniedException escalation(Actor actor, String message) {
    return new AccessDeniedException(actor.userId() + " " + message, List.of("no-escalation"));
  }

  private void deny(Actor actor, Action action, String command, String type, String id, @Nullable String reason,
                    Decision d) {
    AuditRecorder audit = context.audit();
    if (audit != AuditRecorder.none()) {
      List<WriteBatch.Append> appends = audit.record(new AuditEntry.Denied(actor, context.clock().instant(),
          UUID.randomUUID().toString(), action, command, type, id, reason, d.decidingRules()));
      if (!appends.isEmpty()) {
        WriteBatch.Builder b = WriteBatch.builder();
        appends.forEach(b::append);
        Committed c = context.store().commit(actor.tenant(), b.build());
        audit.committed(actor.tenant(), c.records());
      }
    }
    throw new AccessDeniedException(actor.userId() + " may not " + command + " " + id, d.decidingRules());
  }

  /** The tenant's policy as stored now. */
  private Snapshot current(TenantId tenant, StoredPolicy.Layer layer) {
    Snapshot held = rbac.compiled(tenant, layer.version());
    if (held != null) {
      return held;
    }
    List<PolicyProblem> problems = new ArrayList<>();
    Snapshot s = rbac.compile(tenant, layer, problems);
    if (s == null) {
      throw new IllegalStateException("the stored access policy of tenant " + tenant.value() + " does not compile"
          + " with this policy file: " + problems);
    }
    return s;
  }

  private Snapshot validate(TenantId tenant, StoredPolicy.Layer next) {
    List<PolicyProblem> problems = new ArrayList<>();
    Snapshot s = rbac.compile(tenant, next, problems);
    if (s == null) {
      List<ValidationException.Violation> v = problems.stream()
          .filter(p -> p.severity() == PolicyProblem.Severity.ERROR)
          .map(p -> new ValidationException.Violation("policy", "policy.invalid", p.toString())).toList();
      throw new ValidationException(v);
    }
    return s;
  }

  private void commit(Actor actor, TenantId tenant, long version, WriteBatch.Builder b, Action action,
                      String command, String type, String id, @Nullable ObjectNode before,
                      @Nullable ObjectNode after, String reason, Decision d) {
    Objects.requireNonNull(reason, "reason");
    Document versionDoc = StoredPolicy.versionDocument(version);
    if (version == 0) {
      b.insert(StoredPolicy.DEFINITIONS, versionDoc);
    } else {
      b.update(StoredPolicy.DEFINITIONS, versionDoc);
    }
    AuditRecorder audit = context.audit();
    List<WriteBatch.Append> appends = audit.record(new AuditEntry.Change(actor, context.clock().instant(),
        UUID.randomUUID().toString(), action, command, type, id, version + 1, before, after, reason,
        Outcome.APPLIED, d.decidingRules(), null, null));
    appends.forEach(b::append);
    Committed c = context.store().commit(tenant, b.build());
    audit.committed(tenant, c.records());
    rbac.reload(tenant);
  }

  private static TenantId sameTenant(Actor actor, Assignment a) {
    if (!actor.tenant().equals(a.tenant())) {
      throw new AccessDeniedException(actor.userId() + " of tenant " + actor.tenant().value()
          + " may not change tenant " + a.tenant().value(), List.of("tenant-isolation"));
    }
    return a.tenant();
  }

  // ---- what callers pass ------------------------------------------------------------------------------------------

  /** An assignment's user, role and scope, and the reason for granting or revoking it. */
  private void checked(Assignment a, String reason) {
    id("assignment.userId", a.userId(), 128);
    id("assignment.role", a.role(), 100);
    if (a.scopeField() != null) {
      id("assignment.scopeField", a.scopeField(), 128);
      TextRules.require("assignment.scopeValue", Objects.requireNonNull(a.scopeValue()));
    }
    reason(reason);
  }

  /**
   * An identifier a caller names (a user, a role, a policy): given, not blank, at most {@code max} characters, and
   * text every store keeps exactly (never a bidirectional control, whatever the host allows in free text).
   */
  private static void id(String path, @Nullable String value, int max) {
    TextRules.requireId(path, value, max, "rbac");
  }

  /** A reason: required, free text every store keeps exactly, bidi controls only where the host allows them. */
  private void reason(String reason) {
    Objects.requireNonNull(reason, "reason");
    TextRules.require("reason", reason, context.allowsBidiControlsInFreeText());
  }

  private JsonNode parse(String text, String field) {
    try {
      JsonNode n = YAML.readTree(text);
      if (n == null || !n.isObject()) {
        throw ValidationException.of(field, "definition.shape", "a definition is a mapping");
      }
      // every string and key of it is stored: text every store keeps exactly, the description free text
      boolean bidi = context.allowsBidiControlsInFreeText();
      List<ValidationException.Violation> refused = TextRules.check(n, path -> bidi && path.equals("description"))
          .stream().map(v -> v.prefixed(field)).toList();
      if (!refused.isEmpty()) {
        throw new ValidationException(refused);
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ValidationException.of(field, "definition.syntax", "not valid YAML or JSON: " + e.getOriginalMessage());
    }
  }
}
