package dev.rapport.crm.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's stored layer of the policy: roles and policies defined at run time ({@code rbac_definitions}), role
 * assignments ({@code rbac_assignments}), and one version document every change updates in the same commit — so two
 * administrators never both change a layer they validated at the same version, and every node sees a change by
 * reading one document.
 */
final class StoredPolicy {
  static final String DEFINITIONS = "rbac_definitions";
  static final String ASSIGNMENTS = "rbac_assignments";
  static final String VERSION_ID = "version";
  static final CollectionSpec DEFINITIONS_SPEC = CollectionSpec.of(DEFINITIONS,
      IndexSpec.single("kind", IndexType.STRING).withMaxLength(10));
  static final CollectionSpec ASSIGNMENTS_SPEC = CollectionSpec.of(ASSIGNMENTS,
      IndexSpec.single("user", IndexType.STRING).withMaxLength(128),
      IndexSpec.single("role", IndexType.STRING).withMaxLength(100));
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StoredPolicy() {}

  /** What a tenant has stored, at one version of its layer (0: nothing stored yet). */
  record Layer(long version, List<Document> definitions, List<Document> assignments) {
    static final Layer EMPTY = new Layer(0, List.of(), List.of());
  }

  static long version(Store store, TenantId tenant) {
    return store.get(tenant, DEFINITIONS, VERSION_ID).map(Document::version).orElse(0L);
  }

  static Layer load(Store store, TenantId tenant) {
    // the version first: a change committed while the rest is read makes the next refresh read again
    long version = version(store, tenant);
    if (version == 0) {
      return Layer.EMPTY;
    }
    List<Document> definitions = all(store, tenant, DEFINITIONS);
    definitions.removeIf(d -> d.id().equals(VERSION_ID));
    return new Layer(version, definitions, all(store, tenant, ASSIGNMENTS));
  }

  private static List<Document> all(Store store, TenantId tenant, String collection) {
    List<Document> out = new ArrayList<>();
    String cursor = null;
    do {
      Page<Document> page = store.query(tenant, collection, new Query(Criteria.all(), Sort.byId(), 500, cursor));
      out.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }

  /** Adds a tenant's stored roles, policies and assignments to {@code defs}. */
  static void addTo(Defs defs, TenantId tenant, Layer layer) {
    for (Document d : layer.definitions()) {
      String source = "tenant " + tenant.value() + ", stored " + d.body().path("kind").asText() + " "
          + d.body().path("id").asText();
      JsonNode def = d.body().path("definition");
      if ("role".equals(d.body().path("kind").asText())) {
        PolicyFile.readRole(d.body().path("id").asText(), def, source, defs);
      } else {
        PolicyFile.readPolicy(def, source, defs);
      }
    }
    for (Document d : layer.assignments()) {
      defs.assignments.add(new Defs.AssignmentDef(assignment(tenant, d.body()),
          new Defs.Loc("tenant " + tenant.value() + ", stored assignment " + d.id(), 0)));
    }
  }

  static Assignment assignment(TenantId tenant, JsonNode b) {
    return new Assignment(tenant, b.path("user").asText(), b.path("role").asText(), text(b, "scopeField"),
        text(b, "scopeValue"), instant(b, "validFrom"), instant(b, "validUntil"));
  }

  private static @Nullable String text(JsonNode b, String f) {
    return b.hasNonNull(f) ? b.get(f).asText() : null;
  }

  private static @Nullable Instant instant(JsonNode b, String f) {
    return b.hasNonNull(f) ? Instant.parse(b.get(f).asText()) : null;
  }

  /** The document id of an assignment: one per user, role and scope. */
  static String assignmentId(Assignment a) {
    String key = a.userId() + "\u0000" + a.role() + "\u0000" + (a.scopeField() == null ? "" : a.scopeField())
        + "\u0000" + (a.scopeValue() == null ? "" : a.scopeValue());
    return "a" + com.google.common.hash.Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString()
        .substring(0, 40);
  }

  static ObjectNode assignmentBody(Assignment a, String by, Instant at) {
    ObjectNode o = NODES.objectNode().put("user", a.userId()).put("role", a.role());
    if (a.scopeField() != null) {
      o.put("scopeField", a.scopeField()).put("scopeValue", a.scopeValue());
    }
    if (a.validFrom() != null) {
      o.put("validFrom", a.validFrom().toString());
    }
    if (a.validUntil() != null) {
      o.put("validUntil", a.validUntil().toString());
    }
    return o.put("grantedBy", by).put("grantedAt", at.toString());
  }

  static Document assignmentDocument(Assignment a, ObjectNode body) {
    return new Document(assignmentId(a), 1, body, Map.of("user", List.of(a.userId()), "role", List.of(a.role())));
  }

  /** Writes {@code now} as the stored assignment's last use, unless it already holds a use of the same day. */
  static void recordUse(Store store, Assignment a, String id, Instant now) {
    Document doc = store.get(a.tenant(), ASSIGNMENTS, id).orElse(null);
    if (doc == null) {
      return;
    }
    JsonNode last = doc.body().get("lastUsedAt");
    if (last != null && Instant.parse(last.asText()).truncatedTo(java.time.temporal.ChronoUnit.DAYS)
        .equals(now.truncatedTo(java.time.temporal.ChronoUnit.DAYS))) {
      return;
    }
    ObjectNode body = doc.body().deepCopy();
    body.put("lastUsedAt", now.toString());
    try {
      store.commit(a.tenant(), dev.rapport.crm.store.WriteBatch.builder().update(ASSIGNMENTS,
          new Document(id, doc.version() + 1, body, doc.index())).build());
    } catch (dev.rapport.crm.error.VersionConflictException revokedOrTouched) {
      // revoked, or another node recorded its use first: either way nothing to add
    }
  }

  static String definitionId(String kind, String id) {
    return kind + ":" + id;
  }

  static ObjectNode definitionBody(String kind, String id, JsonNode definition, String by, Instant at) {
    ObjectNode o = NODES.objectNode().put("kind", kind).put("id", id);
    o.set("definition", definition);
    return o.put("updatedBy", by).put("updatedAt", at.toString());
  }

  static Document versionDocument(long currentVersion) {
    return new Document(VERSION_ID, Math.max(1, currentVersion + (currentVersion == 0 ? 0 : 1)),
        NODES.objectNode().put("kind", "meta"), Map.of("kind", List.of("meta")));
  }
}
