package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rapport.crm.Crm;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.recording.AuditEntry;
import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an administrator passes to {@link RbacAdmin} is checked before anything is read or written, on every store:
 * text no store keeps exactly (a NUL fails a PostgreSQL commit naming no field; an unpaired surrogate is stored as
 * {@code ?}) is refused with a violation naming the argument and the rule, and nothing is written or audited.
 *
 * <p>Each store subclasses this once with {@link #open}.
 */
abstract class AdministrationTextContract {
  /** A fresh store on {@code clock}; closing it leaves nothing behind. */
  abstract TestServers.Opened open(Clock clock) throws Exception;

  private final List<AuditEntry> audited = new CopyOnWriteArrayList<>();
  private final Actor root = Actor.of("acme", "root").withRoles("admin");
  private TestServers.@Nullable Opened opened;
  private @Nullable Crm crm;

  /** The administration of a new store's {@code Crm}, whose host allows bidi controls in free text or not. */
  private RbacAdmin admin(boolean bidiInFreeText) throws Exception {
    Rbac rbac = Rbac.fromYaml(AdministrationTest.POLICY, "access.yaml");
    opened = open(Clock.systemUTC());
    crm = Crm.builder().store(opened.store()).accessPolicy(rbac).audit(AdministrationTest.recordingInto(audited))
        .allowBidiControlsInFreeText(bidiInFreeText).build();
    return rbac.admin();
  }

  @AfterEach
  void close() {
    if (crm != null) {
      crm.close();
    }
    if (opened != null) {
      opened.close();
    }
  }

  private record Refused(String path, String rule, ThrowingCallable call) {}

  @Test
  void textNoStoreKeepsExactlyIsRefusedNamingTheArgumentAndNothingIsWritten() throws Exception {
    RbacAdmin admin = admin(false);
    Assignment rep = Assignment.of("acme", "li.wei", "sales_rep");
    String role = "inherits: [sales_rep]\n";
    List<Refused> cases = List.of(
        new Refused("assignment.userId", "text.control",
            () -> admin.grant(root, Assignment.of("acme", "li\u0000wei", "sales_rep"), "new hire")),
        new Refused("assignment.userId", "text.bidi",
            () -> admin.grant(root, Assignment.of("acme", "li.wei\u202E", "sales_rep"), "new hire")),
        new Refused("assignment.userId", "rbac.id.required",
            () -> admin.grant(root, Assignment.of("acme", " ", "sales_rep"), "new hire")),
        new Refused("assignment.userId", "rbac.id.length",
            () -> admin.grant(root, Assignment.of("acme", "u".repeat(129), "sales_rep"), "new hire")),
        new Refused("assignment.role", "text.surrogate",
            () -> admin.grant(root, Assignment.of("acme", "li.wei", "sales_rep\uD800"), "new hire")),
        new Refused("assignment.scopeField", "text.control",
            () -> admin.grant(root, rep.scopedTo("region\u0007", "CN-East"), "new hire")),
        new Refused("assignment.scopeValue", "text.surrogate",
            () -> admin.grant(root, rep.scopedTo("region", "CN-East\uDC00"), "new hire")),
        new Refused("reason", "text.control", () -> admin.grant(root, rep, "new\u0000hire")),
        new Refused("reason", "text.bidi", () -> admin.revoke(root, rep, "\u202Eleft")),
        new Refused("assignment.userId", "text.control",
            () -> admin.revoke(root, Assignment.of("acme", "li.wei\u0000", "sales_rep"), "left")),
        new Refused("roleId", "text.bidi", () -> admin.defineRole(root, "key\u202Eaccount", role, "ka")),
        new Refused("reason", "text.surrogate", () -> admin.defineRole(root, "key_account", role, "ka\uD800")),
        new Refused("definition.description", "text.control",
            () -> admin.defineRole(root, "key_account", "{\"description\": \"a\\u0000b\"}", "ka")),
        new Refused("definition.permissions[0].id", "text.bidi", () -> admin.defineRole(root, "key_account",
            "permissions:\n  - {id: \"ka\u202E\", resource: customer, actions: [view]}\n", "ka")),
        new Refused("definition.id", "text.control", () -> admin.definePolicy(root,
            "{\"id\": \"p\\u0000\", \"effect\": \"forbid\", \"resource\": \"customer\", \"actions\": [\"export\"]}",
            "p")),
        new Refused("roleId", "text.control", () -> admin.removeRole(root, "key_account\u0000", "gone")),
        new Refused("reason", "text.control", () -> admin.removeRole(root, "key_account", "gone\u0000")),
        new Refused("policyId", "rbac.id.required", () -> admin.removePolicy(root, "", "gone")),
        new Refused("policyId", "text.bidi", () -> admin.removePolicy(root, "p\u2066", "gone")));
    for (Refused r : cases) {
      assertThatThrownBy(r.call()).as(r.path() + " " + r.rule()).isInstanceOfSatisfying(ValidationException.class,
          e -> assertThat(e.violations()).extracting(v -> v.path(), v -> v.rule())
              .contains(tuple(r.path(), r.rule())));
    }

    // nothing was written, nothing audited (not even as a denial: nothing was decided)
    assertThat(StoredPolicy.version(java.util.Objects.requireNonNull(opened).store(), TenantId.of("acme")))
        .isZero();
    assertThat(audited).isEmpty();
    // clean text in any script is kept exactly
    Assignment scoped = Assignment.of("acme", "李伟", "sales_rep").scopedTo("region", "华东 🍵");
    admin.grant(root, scoped, "新员工 — موظف جديد");
    assertThat(admin.assignments(root, "李伟")).containsExactly(scoped);
  }

  @Test
  void bidiControlsAreAcceptedInFreeTextOnlyWhereTheHostAllowsThem() throws Exception {
    RbacAdmin admin = admin(true);
    String rtl = "\u2067موظف جديد\u2069";
    admin.grant(root, Assignment.of("acme", "li.wei", "sales_rep"), rtl);
    admin.defineRole(root, "key_account", "{\"description\": \"" + rtl + "\", \"inherits\": [\"sales_rep\"]}", rtl);
    assertThat(audited).extracting(e -> ((AuditEntry.Change) e).reason()).containsExactly(rtl, rtl);
    // never in an id, whatever the host allows in free text
    assertThatThrownBy(() -> admin.grant(root, Assignment.of("acme", "li.wei" + rtl, "sales_rep"), "x"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(v -> v.path(), v -> v.rule()).containsExactly(tuple("assignment.userId", "text.bidi")));
  }
}
