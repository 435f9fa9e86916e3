package dev.rapport.crm.testkit.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.customer.UpsertResult;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.interaction.Interaction;
import dev.rapport.crm.interaction.LogInteraction;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.servicecase.OpenCase;
import dev.rapport.crm.servicecase.ServiceCase;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every string survives exactly or is refused clearly, identically on every store: the {@link HostileText} corpus
 * run through {@link Crm} — create, update, upsert, every criteria form, get by id — on the store under test.
 * Subclass it once per store:
 *
 * <pre>{@code
 * class PostgresHostileTextTest extends HostileTextContract {
 *   @Override
 *   protected Store createStore(MutableClock clock) {
 *     return JdbcStore.builder(Database.POSTGRESQL, dataSource).clock(clock).build();
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #createStore} is called before each test; each test uses a tenant of its own, so the store may share
 * one database or schema across a test class. A refused value must be refused with a {@link ValidationException}
 * whose violation names the field and the rule, and must write nothing; a kept value must come back exactly (names in
 * NFC) and every criteria form must select exactly the records that code-point order and equality select.
 */
public abstract class HostileTextContract {
  private static final String ERP = "ERP";
  private static final String NOTE = "note";

  /** The store under test, reading time from {@code clock}; see the class notes. */
  protected abstract Store createStore(MutableClock clock);

  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private final Actor alice = Actor.of("text-" + UUID.randomUUID().toString().substring(0, 8), "alice");
  private final List<Crm> opened = new ArrayList<>();
  private Store store;
  private Crm crm;

  @BeforeEach
  void startCrm() {
    store = createStore(clock);
    crm = crm(false);
  }

  @AfterEach
  void closeCrm() {
    opened.forEach(Crm::close);
  }

  private Crm crm(boolean bidiInFreeText) {
    Crm c = Crm.builder().indexes(CustomerFields.COLLECTION, CustomerFields.SPEC.everyFieldIndexed()).store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .clock(clock).publishAfterCommit(false)
        .customFields(CustomFieldSchema.builder().text(NOTE, 10_000, false).build())
        .allowBidiControlsInFreeText(bidiInFreeText).build();
    opened.add(c);
    return c;
  }

  @Test
  void hostileValuesAreRefusedOnEveryWayInNamingTheFieldAndNothingIsWritten() {
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.ORGANIZATION, "Acme").build());
    long changes = changeCount();
    SoftAssertions soft = new SoftAssertions();
    for (HostileText.Refused h : HostileText.refused()) {
      String v = h.value();
      refused(soft, h, "name", () -> crm.customers().create(alice, person("Ada " + v).build()));
      refused(soft, h, "team", () -> crm.customers().create(alice, person("Ada").team(v).build()));
      refused(soft, h, "externalRefs." + ERP, () -> crm.customers().create(alice,
          person("Ada").externalRef(ERP, v).build()));
      refused(soft, h, "customFields." + NOTE, () -> crm.customers().create(alice,
          person("Ada").customField(NOTE, "note " + v).build()));
      refused(soft, h, "region", () -> crm.customers().update(alice, c.id(),
          CustomerPatch.builder().region(v).build()));
      refused(soft, h, "name", () -> crm.customers().update(alice, c.id(),
          CustomerPatch.builder().name(v + " Ltd").build()));
      refused(soft, h, CustomerFields.EXTERNAL_REFS, () -> crm.customers().upsertByExternalRef(alice, ERP, v,
          person("Ada").build()));
      refused(soft, h, "reason", () -> crm.customers().changeStage(alice, c.id(), "PROSPECT", "because " + v));
      refused(soft, h, "description", () -> crm.cases().open(alice, new OpenCase(c.id(), "Broken", "it " + v,
          ServiceCase.Priority.NORMAL, null)));
      refused(soft, h, "summary", () -> crm.interactions().log(alice, new LogInteraction(c.id(),
          Interaction.Channel.PHONE, Interaction.Direction.INBOUND, null, "call " + v, null, null)));
    }
    soft.assertThat(changeCount()).as("changes written by refused commands").isEqualTo(changes);
    soft.assertThat(crm.customers().require(alice, c.id()).version()).isEqualTo(1);
    soft.assertAll();
  }

  @Test
  void hostileValuesAreRefusedInEveryCriteriaFormAndAsIds() {
    crm.customers().create(alice, person("Ada").build());
    SoftAssertions soft = new SoftAssertions();
    for (HostileText.Refused h : HostileText.refused()) {
      String v = h.value();
      for (String field : List.of(CustomerFields.NAME, CustomerFields.TEAM, CustomerFields.TAGS)) {
        String path = "criteria." + field;
        for (Criteria criteria : everyForm(field, v)) {
          refused(soft, h, path, () -> crm.customers().count(alice, criteria));
          refused(soft, h, path, () -> crm.customers().find(alice, Query.of(criteria, Sort.byId(), 10)));
        }
      }
      refused(soft, h, "id", () -> crm.customers().get(alice, v));
      refused(soft, h, "id", () -> crm.customers().require(alice, v));
      refused(soft, h, "id", () -> crm.customers().delete(alice, v, "gone"));
      refused(soft, h, "id", () -> crm.cases().get(alice, v));
      refused(soft, h, "id", () -> crm.interactions().get(alice, v));
    }
    soft.assertAll();
  }

  @Test
  void keptValuesComeBackExactlyThroughGetFindAndUpsert() {
    SoftAssertions soft = new SoftAssertions();
    for (String v : HostileText.kept()) {
      boolean fitsTeam = v.length() <= 100;
      Customer c = crm.customers().create(alice, person(oneLine(v) ? v : "Multi-line").team(fitsTeam ? v : null)
          .customField(NOTE, v).build());
      Customer read = crm.customers().require(alice, c.id());
      soft.assertThat(read.customFields().get(NOTE)).as("custom field of %s", show(v)).isEqualTo(v);
      soft.assertThat(crm.customers().get(alice, c.id())).as("get of %s", show(v)).contains(read);
      if (oneLine(v)) {
        soft.assertThat(read.name().defaultValue()).as("name of %s", show(v)).isEqualTo(nameForm(v));
        soft.assertThat(ids(Criteria.eq(CustomerFields.NAME, v.strip()))).as("find by name %s", show(v)).contains(c.id());
      }
      if (fitsTeam) {
        soft.assertThat(read.team()).as("team of %s", show(v)).isEqualTo(v);
        soft.assertThat(ids(Criteria.eq(CustomerFields.TEAM, v))).as("find by team %s", show(v)).contains(c.id());
      }
      if (!v.isBlank() && v.length() <= 200) {
        UpsertResult first = crm.customers().upsertByExternalRef(alice, ERP, v, person("Ref").build());
        UpsertResult again = crm.customers().upsertByExternalRef(alice, ERP, v, person("Ref").build());
        soft.assertThat(first.outcome()).as("first upsert of %s", show(v)).isEqualTo(UpsertResult.Outcome.CREATED);
        soft.assertThat(again.outcome()).as("second upsert of %s", show(v))
            .isEqualTo(UpsertResult.Outcome.UNCHANGED);
        soft.assertThat(crm.customers().findByExternalRef(alice, ERP, v)).as("reference %s", show(v))
            .map(x -> x.externalRefs().get(ERP)).contains(v);
      }
    }
    soft.assertAll();
  }

  @Test
  void everyCriteriaFormSelectsWhatCodePointOrderSelectsOnEveryStore() {
    List<String> values = HostileText.kept().stream().filter(HostileTextContract::oneLine).toList();
    List<String> stored = new ArrayList<>();
    for (String v : values) {
      stored.add(crm.customers().create(alice, person(v).build()).name().defaultValue());
    }
    List<String> probes = new ArrayList<>(values);
    probes.addAll(List.of("", "0", "王", "😀", "x".repeat(254), "\uFFFF\uFFFF", "\uDBFF\uDFFF\uDBFF\uDFFF"));
    String f = CustomerFields.NAME;
    SoftAssertions soft = new SoftAssertions();
    for (String given : probes) {
      // criteria on names are brought to NFC, the form names are kept in
      String p = Normalizer.normalize(given, Normalizer.Form.NFC);
      expectCount(soft, Criteria.eq(f, given), stored, s -> s.equals(p));
      expectCount(soft, Criteria.not(Criteria.eq(f, given)), stored, s -> !s.equals(p));
      expectCount(soft, Criteria.gt(f, given), stored, s -> Values.compareCodePoints(s, p) > 0);
      expectCount(soft, Criteria.gte(f, given), stored, s -> Values.compareCodePoints(s, p) >= 0);
      expectCount(soft, Criteria.lt(f, given), stored, s -> Values.compareCodePoints(s, p) < 0);
      expectCount(soft, Criteria.lte(f, given), stored, s -> Values.compareCodePoints(s, p) <= 0);
      expectCount(soft, Criteria.prefix(f, given), stored, s -> s.startsWith(p));
      expectCount(soft, Criteria.in(f, List.of(given, "none of these")), stored, s -> s.equals(p));
      expectCount(soft, Criteria.or(Criteria.eq(f, given), Criteria.prefix(f, "edge")), stored,
          s -> s.equals(p) || s.startsWith("edge"));
    }
    // a sorted walk over every page: code-point order, ties by id, on every store
    List<String> walked = new ArrayList<>();
    Query q = Query.of(Criteria.exists(f), Sort.asc(f), 7);
    for (Page<Customer> page = crm.customers().find(alice, q); ; ) {
      page.items().forEach(x -> walked.add(x.name().defaultValue()));
      if (!page.hasNext()) {
        break;
      }
      page = crm.customers().find(alice, q.after(page.nextCursor()));
    }
    List<String> expected = new ArrayList<>(stored);
    expected.sort(Values::compareCodePoints);
    soft.assertThat(walked).as("names walked in ascending order").containsExactlyElementsOf(expected);
    soft.assertAll();
  }

  @Test
  void namesMatchWhicheverNormalizationFormTheCriteriaUse() {
    Customer composed = crm.customers().create(alice, person("Café Noël 가").build());
    Customer decomposed = crm.customers().create(alice, person(nfd("Émile Zoë 각")).build());
    Customer tagged = crm.customers().create(alice, person("Tagged").tag("Segment/VIP/Gold").build());
    SoftAssertions soft = new SoftAssertions();
    for (Function<String, String> form : List.<Function<String, String>>of(HostileTextContract::nfd,
        s -> Normalizer.normalize(s, Normalizer.Form.NFC))) {
      soft.assertThat(ids(Criteria.eq(CustomerFields.NAME, form.apply("Café Noël 가"))))
          .containsExactly(composed.id());
      soft.assertThat(ids(Criteria.eq(CustomerFields.NAME, form.apply("Émile Zoë 각"))))
          .containsExactly(decomposed.id());
      soft.assertThat(ids(Criteria.prefix(CustomerFields.NAME, form.apply("Émile"))))
          .containsExactly(decomposed.id());
      soft.assertThat(ids(Criteria.in(CustomerFields.NAME, List.of(form.apply("Café Noël 가"), "x"))))
          .containsExactly(composed.id());
    }
    soft.assertThat(ids(Criteria.tagSubtree(CustomerFields.TAGS, "SEGMENT/vip"))).containsExactly(tagged.id());
    soft.assertThat(ids(Criteria.eq(CustomerFields.TAGS, "segment/VIP/gold"))).containsExactly(tagged.id());
    soft.assertAll();
  }

  @Test
  void longFreeTextIsStoredExactly() {
    String tenThousand = HostileText.longText(10_000);
    Customer c = crm.customers().create(alice, person("Long").customField(NOTE, tenThousand).build());
    ServiceCase sc = crm.cases().open(alice, new OpenCase(c.id(), "Long", tenThousand, ServiceCase.Priority.LOW,
        null));
    Interaction i = crm.interactions().log(alice, new LogInteraction(c.id(), Interaction.Channel.EMAIL,
        Interaction.Direction.OUTBOUND, null, HostileText.longText(4_000), null, null));
    crm.cases().resolve(alice, sc.id(), tenThousand);
    assertThat(crm.customers().require(alice, c.id()).customFields().get(NOTE)).isEqualTo(tenThousand);
    assertThat(crm.cases().require(alice, sc.id()).description()).isEqualTo(tenThousand);
    assertThat(crm.cases().require(alice, sc.id()).resolution()).isEqualTo(tenThousand);
    assertThat(crm.interactions().require(alice, i.id()).summary()).isEqualTo(HostileText.longText(4_000));
    Throwable tooLong = catchThrowable(() -> crm.customers().create(alice,
        person(HostileText.longText(256)).build()));
    assertThat(tooLong).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
        .anySatisfy(v -> assertThat(v.path()).isEqualTo("name")));
  }

  @Test
  void bidiControlsAreAcceptedInFreeTextOnlyWhenAllowed() {
    Crm prose = crm(true);
    String rtl = "\u202Bשלום\u202C order \u2067#42\u2069";
    Customer c = prose.customers().create(alice, person("Dana").build());
    ServiceCase sc = prose.cases().open(alice, new OpenCase(c.id(), "Refund", rtl, ServiceCase.Priority.HIGH, null));
    Interaction i = prose.interactions().log(alice, new LogInteraction(c.id(), Interaction.Channel.CHAT,
        Interaction.Direction.INBOUND, null, rtl, rtl, null));
    assertThat(prose.cases().require(alice, sc.id()).description()).isEqualTo(rtl);
    assertThat(prose.interactions().require(alice, i.id()).summary()).isEqualTo(rtl);
    SoftAssertions soft = new SoftAssertions();
    HostileText.Refused bidi = new HostileText.Refused(rtl, "text.bidi", "bidi in a name");
    refused(soft, bidi, "name", () -> prose.customers().create(alice, person(rtl).build()));
    refused(soft, bidi, "subject", () -> prose.cases().open(alice, new OpenCase(c.id(), rtl, "fine",
        ServiceCase.Priority.LOW, null)));
    refused(soft, bidi, "description", () -> crm.cases().open(alice, new OpenCase(c.id(), "Refund", rtl,
        ServiceCase.Priority.HIGH, null)));
    soft.assertAll();
  }

  private static List<Criteria> everyForm(String field, String v) {
    return List.of(Criteria.eq(field, v), Criteria.gt(field, v), Criteria.gte(field, v), Criteria.lt(field, v),
        Criteria.lte(field, v), Criteria.in(field, List.of("fine", v)), Criteria.prefix(field, v),
        Criteria.not(Criteria.eq(field, v)), Criteria.and(Criteria.exists(field), Criteria.eq(field, v)),
        Criteria.or(Criteria.eq(field, "fine"), Criteria.lt(field, v)), Criteria.tagSubtree(field, v));
  }

  private void expectCount(SoftAssertions soft, Criteria criteria, List<String> stored, Predicate<String> selects) {
    long expected = stored.stream().filter(selects).count();
    soft.assertThat(crm.customers().count(alice, criteria)).as("count of %s", show(criteria.toString()))
        .isEqualTo(expected);
  }

  private List<String> ids(Criteria criteria) {
    return crm.customers().find(alice, Query.of(criteria, Sort.byId(), 50)).items().stream().map(Customer::id)
        .toList();
  }

  private long changeCount() {
    return store.changes(alice.tenant(), 0, 10_000).size();
  }

  private static void refused(SoftAssertions soft, HostileText.Refused h, String path, Runnable attempt) {
    Throwable t = catchThrowable(attempt::run);
    soft.assertThat(t).as("%s at %s", h, path).isInstanceOf(ValidationException.class);
    if (t instanceof ValidationException e) {
      soft.assertThat(e.violations()).as("%s at %s: %s", h, path, e.getMessage())
          .anySatisfy(v -> {
            assertThat(v.path()).isEqualTo(path);
            assertThat(v.rule()).isEqualTo(h.rule());
          });
    }
  }

  /** Names are one line: no tab, no line break (refused as {@code text.control} by the name rules). */
  private static boolean oneLine(String v) {
    return v.chars().noneMatch(c -> c == '\t' || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029);
  }

  private static CustomerData.Builder person(String name) {
    return CustomerData.builder(CustomerKind.PERSON, name);
  }

  /** How a name is kept: stripped, in NFC. */
  private static String nameForm(String v) {
    return Normalizer.normalize(v.strip(), Normalizer.Form.NFC);
  }

  private static String nfd(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD);
  }

  /** A value as a failure message can show it: every character outside printable ASCII as its code point. */
  private static String show(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().limit(40).forEach(cp -> sb.append(cp >= 0x20 && cp < 0x7F ? Character.toString(cp)
        : String.format("\\u{%X}", cp)));
    return sb.append(s.codePointCount(0, s.length()) > 40 ? "...\"" : "\"").toString();
  }
}
